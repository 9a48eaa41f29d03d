// What `bodycam` says when the verb is missing, misspelt or unknown (`bodycam audt`, `bodycam help`,
// `bodycam retention release`): the nearest verb, if one is close, and the list of verbs at that level,
// instead of CLI11's bare "A subcommand is required". Looks only at the words before the first option, so
// everything else is left to CLI11.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace bodycam::tools::verbs {

// Edit distance (insert, delete, substitute, swap of neighbours) between two words.
[[nodiscard]] std::size_t verb_distance(std::string_view a, std::string_view b);
// The verb of `verbs` nearest to `word`, if it is near enough to be a typo.
[[nodiscard]] std::optional<std::string> nearest_verb(std::string_view word, const std::vector<std::string>& verbs);

// If `args` (argv without the program) names no verb, an unknown one or `help`: prints the answer (help to
// stdout, errors to stderr) and returns the exit code; otherwise nullopt and CLI11 parses as usual.
[[nodiscard]] std::optional<int> answer_verb_words(CLI::App& app, const std::vector<std::string>& args);

}  // namespace bodycam::tools::verbs
