// The audit's HTML page as a report a clerk can print and sign: verdicts in distinct words and colours with no
// exit codes, every gap's reason and outcome in the text (not only in a tooltip), salvaged and late segments
// marked, full hashes, statements, pre-shift warnings, receipts and key fingerprints, a time axis, a print
// stylesheet; [integration]: the page printed to PDF by Debian's headless Chromium and read back by pdftotext.
#include "common/store/memory_backend.hpp"
#include "tests/support/files.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/tools/evidence_store_builder.hpp"
#include "tools/audit/render.hpp"
#include "tools/audit/render_html_parts.hpp"
#include "tools/audit/store_audit.hpp"

#include <fstream>
#include <set>

#include <catch2/catch.hpp>

using namespace bodycam::common;
namespace audit = bodycam::tools::audit;
namespace fs = std::filesystem;
using bodycam::tests::evidence_camera;

namespace {

std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

// Text outside tags and outside <title> (a tooltip) and <style>: what a printed page shows.
std::string visible_text(const std::string& html) {
  std::string out;
  bool in_tag = false;
  std::size_t hidden_until = 0;
  for (std::size_t i = 0; i < html.size(); ++i) {
    if (i < hidden_until) continue;
    for (const char* hidden : {"<title>", "<style>"})
      if (html.compare(i, std::char_traits<char>::length(hidden), hidden) == 0) {
        const std::string close = std::string("</") + (hidden + 1);
        hidden_until = html.find(close, i) + close.size();
      }
    if (i < hidden_until) continue;
    if (html[i] == '<') in_tag = true;
    else if (html[i] == '>') in_tag = false;
    else if (!in_tag) out += html[i];
  }
  return out;
}

struct gap_shift {
  store::store s{std::make_unique<store::memory_backend>()};
  audit::audit_report report;
  gap_shift() {
    evidence_camera cam(s, "cam-0002", 2);
    bodycam::tests::record_gap_shift(cam);  // docked 30 h after the stop: every segment LATE
    audit::audit_options o;
    o.now = record::utc_time(std::chrono::milliseconds(bodycam::tests::old_shift_ms)) + std::chrono::days(3);
    report = audit::audit_store(s, o).value();
  }
};

}  // namespace

TEST_CASE("each verdict has its own words and colour, and none is an exit code") {
  std::set<std::string_view> classes, headings;
  for (auto v : {chain::verdict::authentic, chain::verdict::authentic_with_gaps, chain::verdict::cannot_verify,
                 chain::verdict::not_authentic}) {
    const auto w = audit::html::words_for(v);
    classes.insert(w.css_class);
    headings.insert(w.heading);
    CHECK_FALSE(w.meaning.empty());
    CHECK(std::string(w.heading).find("exit") == std::string::npos);
  }
  CHECK(classes.size() == 4);
  CHECK(headings.size() == 4);
}

TEST_CASE("the report says in its text what a clerk signs: gaps and their outcomes, hashes, warnings, receipts") {
  gap_shift t;
  REQUIRE(t.report.verdict == chain::verdict::authentic_with_gaps);
  const auto& d = t.report.devices.at(0);
  const auto& session = d.sessions.at(0);
  REQUIRE(session.segments.size() == 3);
  const std::string html = audit::render_html(t.report);
  const std::string text = visible_text(html);
  INFO(text);
  CHECK(html.find("verdict v-gaps\">Authentic, with documented gaps") != std::string::npos);
  CHECK(html.find("(exit") == std::string::npos);
  CHECK(html.find("authentic_with_gaps") == std::string::npos);  // the code is for programs, not people
  // Every interruption once, in the text, with its reason and what became of it (one explanation per event).
  CHECK(count_of(text, "power loss, 2026-") == 1);
  CHECK(count_of(text, "low battery, 2026-") == 1);
  CHECK(count_of(text, "NOT explained: recording resumed without a resume statement") == 1);
  CHECK(count_of(text, "Explained: the officer&#39;s resume statement of its own follows.") == 1);
  // Every segment's full hash and its LATE mark; statements with their hashes; the pre-shift warning.
  for (const auto& o : session.segments) CHECK(count_of(text, o.sha256.to_hex()) == 1);
  CHECK(count_of(text, "LATE (over 24 h, or not confirmed)") == 3);
  for (const auto& st : session.statements)
    if (st.file.state != audit::object_state::not_applicable) CHECK(count_of(text, st.file.sha256.to_hex()) == 1);
  CHECK(text.find("warn clock: last dock sync 30 h ago") != std::string::npos);
  // Key fingerprint, receipts with the head hash, the time axis, the print stylesheet.
  REQUIRE(d.key);
  CHECK(count_of(text, d.key->fingerprint().to_hex()) == 1);
  REQUIRE(d.receipts.size() == 1);
  CHECK(text.find("Receipts (what the dock confirmed stored)") != std::string::npos);
  CHECK(count_of(text, d.receipts[0].head_hash.to_hex()) == 1);
  CHECK(count_of(html, "class=\"axis\" text-anchor=\"middle\"") == 6);  // six ticks on the one session's axis
  CHECK(html.find("@media print") != std::string::npos);
  CHECK(html.find("@page{size:A4") != std::string::npos);
  CHECK(html.find("http") == std::string::npos);  // self-contained: nothing fetched
}

TEST_CASE("salvaged segments and a forged store are marked in words") {
  gap_shift t;
  auto& seg = t.report.devices.at(0).sessions.at(0).segments.at(1);
  seg.salvaged = true;
  seg.unsigned_tail_bytes = 1234;
  t.report.verdict = chain::verdict::not_authentic;
  const std::string text = visible_text(audit::render_html(t.report));
  CHECK(count_of(text, "SALVAGED after a power loss: 1234 bytes after the last signed fragment") == 1);
  CHECK(text.find("NOT authentic") != std::string::npos);
  CHECK(text.find("do not rely on what is listed below") != std::string::npos);
}

TEST_CASE("printed to PDF by Chromium, the report reads as it should", "[integration]") {
  gap_shift t;
  bodycam::tests::temp_dir dir;
  const fs::path html = dir / "audit.html";
  std::ofstream(html) << audit::render_html(t.report);
  const fs::path pdf = dir / "audit.pdf";
  auto print = bodycam::tests::run_process(
      {"/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
       "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-pdf-header-footer",
       "--user-data-dir=" + (dir / "chromium").string(), "--print-to-pdf=" + pdf.string(), "file://" + html.string()},
      std::chrono::seconds(90));
  INFO(print.out << print.err);
  REQUIRE(fs::exists(pdf));
  REQUIRE(fs::file_size(pdf) > 1000);
  auto text = bodycam::tests::run_process({"/usr/bin/pdftotext", "-layout", pdf.string(), "-"});
  INFO(text.err);
  REQUIRE(text.exit_code == 0);
  INFO(text.out);
  CHECK(text.out.find("Authentic, with documented gaps") != std::string::npos);
  CHECK(text.out.find("NOT explained") != std::string::npos);
  CHECK(text.out.find("LATE") != std::string::npos);
  CHECK(text.out.find("Receipts (what the dock confirmed stored)") != std::string::npos);
  const auto& seg = t.report.devices.at(0).sessions.at(0).segments.at(0);
  CHECK(text.out.find(seg.sha256.to_hex().substr(0, 12)) != std::string::npos);  // hashes may wrap in a cell
}
