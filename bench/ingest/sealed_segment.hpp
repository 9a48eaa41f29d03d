// A segment as a camera leaves it for the dock, for the ingest benchmarks: its bytes written durably under the
// camera's segments folder, the file added to the camera's ledger and sealed by its `segment` record.
#pragma once

#include "common/core/durable_file.hpp"
#include "common/crypto/sha256.hpp"
#include "common/ledger/ledger.hpp"
#include "firmware/records/chain_writer.hpp"

#include <filesystem>
#include <string>

namespace bodycam::bench {

inline common::core::status add_sealed_segment(firmware::records::chain_writer& writer,
                                               const std::filesystem::path& segments_dir,
                                               const common::record::device_id& device, const std::string& name,
                                               common::core::byte_view bytes) {
  namespace ledger = common::ledger;
  if (auto ok = common::core::write_file_durably(segments_dir / name, bytes); !ok) return ok;
  if (auto ok = writer.with_ledger([&](ledger::ledger& l) {
        return l.add_file({name, ledger::file_kind::segment, device.str()});
      });
      !ok)
    return ok;
  common::record::segment_payload segment;
  segment.file_name = name;
  segment.byte_length = bytes.size();
  segment.file_sha256 = common::crypto::sha256(bytes);
  const ledger::file_seal seal{bytes.size(), segment.file_sha256};
  auto appended = writer.append(segment, [&](ledger::transaction& tx, std::uint64_t seq) {
    return tx.set_file_state(name, {ledger::file_state::sealed, seq, seal});
  });
  if (!appended) return std::unexpected(appended.error());
  return {};
}

}  // namespace bodycam::bench
