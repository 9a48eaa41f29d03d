// The rules the camera and the dock share, pure: a config file, a key file and where it is enrolled, the
// directories a daemon writes into, a trust directory of peers and a directory store. Each rule appends its
// findings in plain words with the fix; none looks at the disk.
#pragma once

#include "tools/doctor/doctor_facts.hpp"
#include "tools/doctor/finding.hpp"

#include <string_view>
#include <vector>

namespace bodycam::tools::doctor {

using findings = std::vector<finding>;

// "0640" for messages.
[[nodiscard]] std::string format_mode(unsigned mode);

// The config loaded (or why not) and whether others may change it. Returns whether it loaded.
bool check_config(const config_facts& config, std::string_view program, findings& out);
// The secret key: present, mode 0600, loads, labelled `expected_label`.
void check_key(const key_facts& key, std::string_view expected_label, std::string_view keygen_hint, findings& out);
// The key's public half matches every place it is enrolled; none found is a warning naming `enroll_hint`.
void check_enrollment(const key_facts& key, const std::vector<enrollment_facts>& places, std::string_view enroll_hint,
                      findings& out);
// Every directory a daemon writes into exists (or can be made) and is writable.
void check_paths(const std::vector<path_facts>& paths, std::string_view user_hint, findings& out);
// The trust directory loads; with `required`, an empty one is a problem; store keys that differ are problems.
void check_peers(const peers_facts& peers, bool required, std::string_view why_required, std::string_view enroll_hint,
                 findings& out);
// The store is there and opens, its files are read-only, the dock can add to it, create-only holds.
void check_store(const store_facts& store, findings& out);

}  // namespace bodycam::tools::doctor
