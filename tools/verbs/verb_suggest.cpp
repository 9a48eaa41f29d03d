#include "tools/verbs/verb_suggest.hpp"

#include "tools/verbs/verb.hpp"

#include <algorithm>
#include <cstdio>

namespace bodycam::tools::verbs {

std::size_t verb_distance(std::string_view a, std::string_view b) {
  // Optimal string alignment distance over three rows.
  std::vector<std::size_t> before(b.size() + 1), previous(b.size() + 1), current(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) previous[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        current[j] = std::min(current[j], before[j - 2] + 1);
    }
    before = previous;
    previous = current;
  }
  return previous[b.size()];
}

std::optional<std::string> nearest_verb(std::string_view word, const std::vector<std::string>& verbs) {
  std::optional<std::string> best;
  std::size_t best_distance = 0;
  for (const auto& v : verbs) {
    const std::size_t d = verb_distance(word, v);
    if (!best || d < best_distance) {
      best = v;
      best_distance = d;
    }
  }
  const std::size_t near_enough = std::max<std::size_t>(1, std::min<std::size_t>(2, word.size() / 3));
  if (best && best_distance <= near_enough) return best;
  for (const auto& v : verbs)  // "ret" for "retention"
    if (word.size() >= 2 && v.starts_with(word)) return v;
  return std::nullopt;
}

namespace {

std::vector<std::string> verb_names(CLI::App& app) {
  std::vector<std::string> names;
  for (auto* sub : app.get_subcommands([](CLI::App*) { return true; })) names.push_back(sub->get_name());
  return names;
}

CLI::App* find_verb(CLI::App& app, const std::string& word) {
  for (auto* sub : app.get_subcommands([](CLI::App*) { return true; }))
    if (sub->check_name(word)) return sub;
  return nullptr;
}

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

}  // namespace

std::optional<int> answer_verb_words(CLI::App& app, const std::vector<std::string>& args) {
  CLI::App* level = &app;
  std::string path = app.get_name().empty() ? "bodycam" : app.get_name();
  for (const auto& word : args) {
    if (word.starts_with("-")) return std::nullopt;
    if (level->get_require_subcommand_min() == 0) return std::nullopt;  // a positional argument
    if (CLI::App* sub = find_verb(*level, word)) {
      level = sub;
      path += " " + word;
      continue;
    }
    const auto names = verb_names(*level);
    if (word == "help") {
      std::fputs(level->help().c_str(), stdout);
      return exit_ok;
    }
    std::string message = path + ": '" + word + "' is not a verb";
    if (auto near = nearest_verb(word, names)) message += "; did you mean '" + path + " " + *near + "'?";
    std::fprintf(stderr, "%s\nverbs: %s (%s VERB --help describes each)\n", message.c_str(), joined(names).c_str(),
                 path.c_str());
    return exit_usage;
  }
  if (level->get_require_subcommand_min() > 0) {
    std::fprintf(stderr, "%s: say which verb: %s (%s VERB --help describes each)\n", path.c_str(),
                 joined(verb_names(*level)).c_str(), path.c_str());
    return exit_usage;
  }
  return std::nullopt;
}

}  // namespace bodycam::tools::verbs
