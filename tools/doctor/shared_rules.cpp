#include "tools/doctor/shared_rules.hpp"

#include <algorithm>
#include <cstdio>

namespace bodycam::tools::doctor {

namespace {

void add(findings& out, severity level, std::string check, std::string what, std::string where, std::string fix = {}) {
  out.push_back(finding{level, std::move(check), std::move(what), std::move(where), std::move(fix)});
}

std::string fingerprint_of(const common::crypto::public_key& key) { return key.to_hex().substr(0, 16); }

}  // namespace

std::string format_mode(unsigned mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", mode & 07777u);
  return text;
}

bool check_config(const config_facts& config, std::string_view program, findings& out) {
  if (!config.loaded) {
    add(out, severity::problem, "config", std::string(program) + " would refuse this configuration: " + config.error,
        config.path,
        "correct the key the message names (unknown keys are refused, never ignored; the example config beside "
        "the program lists every key), then run bodycam doctor again");
    return false;
  }
  if (config.mode && (*config.mode & 022u) != 0) {
    add(out, severity::warning, "config",
        "the configuration can be changed by group or others (mode " + format_mode(*config.mode) + ")", config.path,
        "chmod go-w " + config.path);
  } else {
    add(out, severity::ok, "config", "the configuration loads and every value is in range", config.path);
  }
  return true;
}

void check_key(const key_facts& key, std::string_view expected_label, std::string_view keygen_hint, findings& out) {
  if (!key.exists) {
    add(out, severity::problem, "key_file", "the " + key.role + " is missing", key.path,
        "create it with `" + std::string(keygen_hint) + "`, or correct the path in the configuration");
    return;
  }
  if (key.mode && (*key.mode & 077u) != 0) {
    add(out, severity::problem, "key_file",
        "the " + key.role + " has mode " + format_mode(*key.mode) +
            ": group or others can read it, so the key may be copied and the daemon refuses it",
        key.path, "chmod 600 " + key.path + " (and treat the key as exposed if others could log in)");
    return;
  }
  if (!key.load_error.empty()) {
    add(out, severity::problem, "key_file", "the " + key.role + " does not load: " + key.load_error, key.path,
        "restore the key from its backup or make a new one with `" + std::string(keygen_hint) +
            "` and enroll it again");
    return;
  }
  if (key.label != expected_label) {
    add(out, severity::problem, "key_file",
        "the " + key.role + " is labelled '" + key.label + "' but the configuration says '" +
            std::string(expected_label) + "'",
        key.path, "point the configuration at the key of '" + std::string(expected_label) + "', or correct the id");
    return;
  }
  add(out, severity::ok, "key_file", "the " + key.role + " has mode 0600 and is labelled '" + key.label + "'",
      key.path);
}

void check_enrollment(const key_facts& key, const std::vector<enrollment_facts>& places, std::string_view enroll_hint,
                      findings& out) {
  if (!key.public_key) return;  // check_key already reported why
  bool any = false;
  for (const auto& place : places) {
    if (!place.found) {
      if (place.expected)
        add(out, severity::warning, "key_enrollment",
            "the " + key.role + " is not enrolled in " + place.source +
                ", so its signatures cannot be checked from there alone",
            place.where, std::string(enroll_hint));
      continue;
    }
    any = true;
    if (!place.error.empty()) {
      add(out, severity::problem, "key_enrollment",
          "the enrolled key in " + place.source + " does not load: " + place.error, place.where,
          "replace it with the public key written beside the secret key");
    } else if (place.key != key.public_key || place.label != key.label) {
      add(out, severity::problem, "key_enrollment",
          "the " + key.role + " (" + fingerprint_of(*key.public_key) + "…) is not the key enrolled in " + place.source +
              " ('" + place.label + "', " + (place.key ? fingerprint_of(*place.key) : std::string("?")) +
              "…): peers will refuse it and its signatures will not verify",
          place.where,
          "put back the enrolled key file, or, if the key was replaced on purpose, enroll the new one (" +
              std::string(enroll_hint) + ") after removing the old entry");
    } else {
      add(out, severity::ok, "key_enrollment", "the " + key.role + " matches the key enrolled in " + place.source,
          place.where);
    }
  }
  if (!any && std::none_of(places.begin(), places.end(), [](const auto& p) { return p.expected; })) {
    std::string looked;
    for (const auto& p : places) looked += (looked.empty() ? "" : ", ") + p.where;
    add(out, severity::warning, "key_enrollment",
        "no enrollment of the " + key.role +
            " found to compare with (looked for: " + (looked.empty() ? std::string("nothing given") : looked) + ")",
        key.path,
        "give --store STORE to compare with the store's enrolled key, or enroll it: " + std::string(enroll_hint));
  }
}

void check_paths(const std::vector<path_facts>& paths, std::string_view user_hint, findings& out) {
  for (const auto& p : paths) {
    if (p.exists && !p.is_directory) {
      add(out, severity::problem, "paths", p.role + " is not a directory", p.path,
          "move the file away or point " + p.role + " at a directory");
    } else if (!p.writable) {
      add(out, severity::problem, "paths",
          p.role + (p.exists ? " is not writable: " : " is missing and cannot be created: ") + p.blocker, p.path,
          (p.exists ? "chown " + std::string(user_hint) + " " + p.path + " (or chmod u+w)"
                    : "create it (mkdir -p " + p.path + ") where the daemon's user may write, or point " + p.role +
                          " at such a place"));
    } else {
      add(out, severity::ok, "paths", p.role + (p.exists ? " is writable" : " will be created at start"), p.path);
    }
  }
}

void check_peers(const peers_facts& peers, bool required, std::string_view why_required, std::string_view enroll_hint,
                 findings& out) {
  if (!peers.loaded) {
    add(out, severity::problem, "peers", peers.role + " does not load: " + peers.error, peers.dir,
        "create the directory with the enroll command (" + std::string(enroll_hint) +
            "), and remove or fix the file the message names");
    return;
  }
  if (peers.peers.empty()) {
    add(out, required ? severity::problem : severity::warning, "peers",
        peers.role + " enrolls no one" + (required ? ": " + std::string(why_required) : std::string()), peers.dir,
        std::string(enroll_hint));
    return;
  }
  std::string labels;
  for (const auto& p : peers.peers) {
    labels += (labels.empty() ? "" : ", ") + p.label;
    if (!peers.store_checked) continue;
    if (!p.store_key) {
      add(out, severity::warning, "peers",
          "'" + p.label + "' is enrolled here but its key is not in the store, so audits cannot check its signatures",
          peers.dir + "/" + p.label + ".pub", std::string(enroll_hint) + " with --store");
    } else if (*p.store_key != p.key) {
      add(out, severity::problem, "peers",
          "'" + p.label + "' is enrolled here with another key than the store holds for it: one of them is wrong",
          peers.dir + "/" + p.label + ".pub",
          "find out which key the device really has (bodycam doctor on it) and replace the wrong enrollment");
    }
  }
  add(out, severity::ok, "peers", peers.role + " enrolls " + std::to_string(peers.peers.size()) + ": " + labels,
      peers.dir);
}

void check_store(const store_facts& store, findings& out) {
  if (!store.exists) {
    add(out, severity::problem, "store",
        "the store directory is missing (if its disk is not mounted, the dock would start a new empty store "
        "beside the real one)",
        store.root,
        "mount the store's disk, or for a new dock create the store with `bodycam enroll camera --key "
        "CAM.pub --store " +
            store.root + "`");
    return;
  }
  if (!store.opened) {
    add(out, severity::problem, "store", "the store does not open: " + store.open_error, store.root,
        "point the configuration at the store's root (the folder holding store.json) and check its disk");
    return;
  }
  add(out, severity::ok, "store", "the store opens", store.root);
  if (store.writable_files > 0) {
    add(out, severity::problem, "store_write_once",
        std::to_string(store.writable_files) + " stored file(s) can be written to (e.g. " + store.first_writable_file +
            (store.first_writable_mode ? ", mode " + format_mode(*store.first_writable_mode) : std::string()) +
            "): stored evidence must be read-only (0440)",
        store.root,
        "chmod a-w on them (find " + store.root +
            " -type f -perm /222 ! -name store.lock), then run `bodycam "
            "verify " +
            store.root + "` to check nothing was altered");
  } else {
    add(out, severity::ok, "store_write_once",
        std::to_string(store.files_checked) + " stored file(s) are read-only" +
            (store.scan_truncated ? " (checked the first ones only)" : ""),
        store.root);
  }
  for (const auto& folder : store.unwritable_folders)
    add(out, severity::problem, "store", "the dock cannot add to " + folder + " as this user", folder,
        "chown -R the dock's user on the store's folders (files stay 0440, folders 2750)");
  switch (store.probe) {
    case write_once_probe::not_tried:
      add(out, severity::ok, "store_write_once",
          "nothing stored yet, so create-only could not be tried; run bodycam doctor again after the first docking",
          store.root);
      break;
    case write_once_probe::refused:
      add(out, severity::ok, "store_write_once",
          "a create of the existing " + store.probe_key + " with other bytes was refused and changed nothing",
          store.root);
      break;
    case write_once_probe::overwritten:
    case write_once_probe::accepted:
      add(out, severity::problem, "store_write_once",
          "the store let a create replace the existing " + store.probe_key + ": " + store.probe_detail, store.root,
          "stop the dock, restore the store from its last verified copy and report the store engine as broken");
      break;
    case write_once_probe::failed:
      add(out, severity::warning, "store_write_once", "create-only could not be tried: " + store.probe_detail,
          store.root, "run bodycam doctor as the dock's user");
      break;
  }
}

}  // namespace bodycam::tools::doctor
