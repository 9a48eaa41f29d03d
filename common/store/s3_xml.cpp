#include "common/store/s3_xml.hpp"

#include <charconv>

namespace bodycam::common::store {

namespace {

constexpr int max_depth = 32;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool is_name_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
         c == '.' || c == ':';
}

class parser {
 public:
  parser(std::string_view doc, std::string_view what) : doc_(doc), what_(what) {}

  core::expected<xml_element> document() {
    skip_space();
    if (doc_.substr(pos_).starts_with("<?xml")) {
      const auto end = doc_.find("?>", pos_);
      if (end == std::string_view::npos) return error("unterminated XML declaration");
      pos_ = end + 2;
    }
    skip_space();
    xml_element root;
    if (auto s = element(root, 0); !s) return std::unexpected(s.error());
    skip_space();
    if (pos_ != doc_.size()) return error("content after the root element");
    return root;
  }

 private:
  std::unexpected<core::error> error(std::string_view why) const {
    return core::fail(core::errc::malformed,
                      "parse " + std::string(what_) + ": " + std::string(why) + " at byte " + std::to_string(pos_));
  }
  void skip_space() {
    while (pos_ < doc_.size() && is_space(doc_[pos_])) ++pos_;
  }
  std::string_view name() {
    const std::size_t start = pos_;
    while (pos_ < doc_.size() && is_name_char(doc_[pos_])) ++pos_;
    return doc_.substr(start, pos_ - start);
  }
  bool take(char c) {
    if (pos_ < doc_.size() && doc_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }

  // Character data up to the next '<', entities decoded, appended to `out`.
  core::status text(std::string& out) {
    while (pos_ < doc_.size() && doc_[pos_] != '<') {
      const char c = doc_[pos_];
      if (c != '&') {
        out.push_back(c);
        ++pos_;
        continue;
      }
      const auto end = doc_.find(';', pos_);
      if (end == std::string_view::npos || end - pos_ > 12) return error("an unterminated entity");
      const std::string_view entity = doc_.substr(pos_ + 1, end - pos_ - 1);
      if (entity == "amp") out.push_back('&');
      else if (entity == "lt") out.push_back('<');
      else if (entity == "gt") out.push_back('>');
      else if (entity == "quot") out.push_back('"');
      else if (entity == "apos") out.push_back('\'');
      else if (entity.starts_with('#')) {
        const bool hex = entity.size() > 1 && entity[1] == 'x';
        const std::string_view digits = entity.substr(hex ? 2 : 1);
        unsigned value = 0;
        const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value, hex ? 16 : 10);
        if (digits.empty() || ec != std::errc{} || ptr != digits.data() + digits.size() || value == 0 || value > 0x7f)
          return error("a character reference outside ASCII");
        out.push_back(static_cast<char>(value));
      } else {
        return error("an unknown entity &" + std::string(entity) + ";");
      }
      pos_ = end + 1;
    }
    return {};
  }

  core::status attributes() {
    for (;;) {
      skip_space();
      if (pos_ >= doc_.size() || doc_[pos_] == '>' || doc_[pos_] == '/') return {};
      if (name().empty()) return error("a malformed attribute");
      skip_space();
      if (!take('=')) return error("an attribute without a value");
      skip_space();
      if (pos_ >= doc_.size() || (doc_[pos_] != '"' && doc_[pos_] != '\'')) return error("an unquoted attribute");
      const char quote = doc_[pos_++];
      const auto end = doc_.find(quote, pos_);
      if (end == std::string_view::npos) return error("an unterminated attribute");
      pos_ = end + 1;
    }
  }

  core::status element(xml_element& out, int depth) {
    if (depth > max_depth) return error("elements nested too deep");
    if (!take('<')) return error("expected an element");
    out.name = std::string(name());
    if (out.name.empty()) return error("expected an element name (comments, CDATA and DOCTYPE are not accepted)");
    if (auto s = attributes(); !s) return s;
    if (take('/')) return take('>') ? core::status{} : error("expected '>' after '/'");
    if (!take('>')) return error("expected '>'");
    for (;;) {
      if (auto s = text(out.text); !s) return s;
      if (pos_ >= doc_.size()) return error("<" + out.name + "> is not closed");
      if (doc_.substr(pos_).starts_with("</")) {
        pos_ += 2;
        if (name() != out.name) return error("</…> does not close <" + out.name + ">");
        skip_space();
        return take('>') ? core::status{} : error("expected '>' closing </" + out.name + ">");
      }
      xml_element child;
      if (auto s = element(child, depth + 1); !s) return s;
      out.children.push_back(std::move(child));
    }
  }

  std::string_view doc_;
  std::string_view what_;
  std::size_t pos_ = 0;
};

}  // namespace

const xml_element* xml_element::child(std::string_view child_name) const noexcept {
  for (const auto& c : children)
    if (c.name == child_name) return &c;
  return nullptr;
}

std::string_view xml_element::child_text(std::string_view child_name) const noexcept {
  const auto* c = child(child_name);
  return c ? std::string_view(c->text) : std::string_view{};
}

core::expected<xml_element> parse_xml(std::string_view document, std::string_view what) {
  return parser(document, what).document();
}

}  // namespace bodycam::common::store
