// The ledger's operations after open: appending records, files and fragments, the boot counter. Every
// write runs in a transaction (transaction.hpp) and is acknowledged only after its COMMIT returned.
#include "common/ledger/ledger.hpp"

#include "common/sqlite/connection.hpp"
#include "common/ledger/file_table.hpp"
#include "common/ledger/record_table.hpp"

#include <limits>
#include <string>
#include <utility>

namespace bodycam::common::ledger {
namespace {

constexpr std::string_view boot_counter_key = "boot_counter";
constexpr std::string_view device_id_key = "device_id";
constexpr std::size_t max_device_id_length = 255;

}  // namespace

ledger::ledger(std::unique_ptr<sqlite::connection> db, open_options options) noexcept
    : db_(std::move(db)), clock_(std::move(options.clock)), read_only_(options.read_only) {}

ledger::ledger(ledger&&) noexcept = default;
ledger& ledger::operator=(ledger&&) noexcept = default;
ledger::~ledger() = default;

const std::filesystem::path& ledger::path() const noexcept { return db_->path(); }

core::status ledger::refuse_if_read_only(std::string_view operation) const {
  if (read_only_) return db_->fail(operation, core::errc::permission, "opened read-only");
  return {};
}

template <class Write>
core::status ledger::write_alone(std::string_view what, Write&& write) {
  auto tx = transaction::begin(*db_, clock_);
  if (!tx) return std::unexpected(tx.error());
  if (auto ok = write(*tx); !ok) return ok;
  return tx->commit(what);
}

// ── chain ──

core::expected<chain_head> ledger::head() const { return select_head(*db_); }

core::expected<stored_record> ledger::append_record(const record_builder& make, const row_writer& also) {
  if (auto ok = refuse_if_read_only("append record to"); !ok) return std::unexpected(ok.error());
  // Invariant 3: one IMMEDIATE transaction from reading the head to COMMIT; any return before the
  // commit rolls everything back.
  auto tx = transaction::begin(*db_, clock_);
  if (!tx) return std::unexpected(tx.error());
  auto head = select_head(*db_);
  if (!head) return std::unexpected(head.error());
  auto built = make(*head);
  if (!built) return std::unexpected(built.error());

  const std::string operation = "append record " + std::to_string(built->seq) + " to";
  if (built->seq != head->next_seq)  // invariant 1
    return db_->fail(operation, core::errc::conflict,
                     "seq " + std::to_string(built->seq) + " is not the next seq " + std::to_string(head->next_seq));
  if (built->seq > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
    return db_->fail(operation, core::errc::invalid_argument, "seq beyond 2^63 - 1");
  auto hash = compute_record_hash(built->bytes);  // invariant 2
  if (!hash) return db_->fail(operation, core::errc::invalid_argument, hash.error().context);

  stored_record record{built->seq, built->kind, *hash, std::move(built->bytes), tx->now()};
  if (auto ok = insert_record(*db_, record); !ok) return std::unexpected(ok.error());
  if (also)
    if (auto ok = also(*tx, record); !ok) return std::unexpected(ok.error());
  // Invariant 4: acknowledged only once COMMIT (WAL fsync) returned.
  if (auto ok = tx->commit("record " + std::to_string(record.seq)); !ok) return std::unexpected(ok.error());
  return record;
}

core::expected<stored_record> ledger::record(std::uint64_t seq) const { return select_record(*db_, seq); }

core::status ledger::for_each_record(std::uint64_t from_seq, const record_visitor& visit) const {
  return scan_records(*db_, from_seq, visit);
}

core::expected<std::uint64_t> ledger::record_count() const { return count_records(*db_); }

// ── files and fragments ──

core::status ledger::add_file(const new_file& f) {
  if (auto ok = refuse_if_read_only("add file to"); !ok) return ok;
  return write_alone("file '" + f.name + "'", [&](transaction& tx) { return tx.add_file(f); });
}

core::status ledger::add_fragment(const fragment_entry& fragment) {
  if (auto ok = refuse_if_read_only("add fragment to"); !ok) return ok;
  return write_alone("fragment " + std::to_string(fragment.index) + " of file '" + fragment.file_name + "'",
                     [&](transaction& tx) { return tx.add_fragment(fragment); });
}

core::status ledger::set_file_state(std::string_view name, const file_transition& transition) {
  if (auto ok = refuse_if_read_only("set file state in"); !ok) return ok;
  return write_alone("state of file '" + std::string(name) + "'",
                     [&](transaction& tx) { return tx.set_file_state(name, transition); });
}

core::expected<file_entry> ledger::file(std::string_view name) const { return select_file(*db_, name); }

core::expected<std::vector<fragment_entry>> ledger::fragments(std::string_view file_name) const {
  return select_fragments(*db_, file_name);
}

core::expected<std::vector<file_entry>> ledger::files_in_state(file_state state) const {
  return select_files_in_state(*db_, state);
}

// ── meta ──

core::expected<std::optional<std::string>> ledger::device_id() const {
  const std::string_view operation = "read device id of";
  auto stmt = db_->prepare(operation, "SELECT value FROM meta WHERE key = ?1");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->bind_text(1, device_id_key);
  auto row = stmt->step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return std::optional<std::string>();
  return std::optional<std::string>(stmt->column_text(0));
}

core::status ledger::set_device_id(std::string_view id) {
  const std::string_view operation = "set device id of";
  if (auto ok = refuse_if_read_only(operation); !ok) return ok;
  if (id.empty() || id.size() > max_device_id_length)
    return db_->fail(operation, core::errc::invalid_argument, "a device id has 1 to 255 bytes");
  return write_alone("device id", [&](transaction&) -> core::status {
    auto current = device_id();
    if (!current) return std::unexpected(current.error());
    if (*current) {
      if (**current == id) return {};
      return db_->fail(operation, core::errc::conflict,
                       "the ledger belongs to device '" + **current + "', not '" + std::string(id) + "'");
    }
    auto stmt = db_->prepare(operation, "INSERT INTO meta (key, value) VALUES (?1, ?2)");
    if (!stmt) return std::unexpected(stmt.error());
    stmt->bind_text(1, device_id_key);
    stmt->bind_text(2, id);
    return stmt->run();
  });
}

core::expected<std::uint64_t> ledger::boot_counter() const {
  const std::string_view operation = "read boot counter of";
  auto stmt = db_->prepare(operation, "SELECT value FROM meta WHERE key = ?1");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->bind_text(1, boot_counter_key);
  auto row = stmt->step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return std::uint64_t{0};
  if (!stmt->column_is_integer(0) || stmt->column_int(0) < 1)
    return db_->fail(operation, core::errc::corrupt, "the boot counter is not a positive integer");
  return static_cast<std::uint64_t>(stmt->column_int(0));
}

core::expected<std::uint64_t> ledger::next_boot_counter() {
  const std::string_view operation = "increment boot counter of";
  if (auto ok = refuse_if_read_only(operation); !ok) return std::unexpected(ok.error());
  std::uint64_t value = 0;
  auto done = write_alone("boot counter", [&](transaction&) -> core::status {
    // Invariant 7: only ever +1 (the meta_boot_counter_increases trigger refuses anything else).
    auto stmt = db_->prepare(operation,
                             "INSERT INTO meta (key, value) VALUES (?1, 1) "
                             "ON CONFLICT (key) DO UPDATE SET value = value + 1 RETURNING value");
    if (!stmt) return std::unexpected(stmt.error());
    stmt->bind_text(1, boot_counter_key);
    auto row = stmt->step();
    if (!row) return std::unexpected(row.error());
    if (!*row || !stmt->column_is_integer(0) || stmt->column_int(0) < 1)
      return db_->fail(operation, core::errc::corrupt, "the boot counter is not a positive integer");
    value = static_cast<std::uint64_t>(stmt->column_int(0));
    // Finish the statement so COMMIT does not find it pending.
    auto end = stmt->step();
    if (!end) return std::unexpected(end.error());
    return {};
  });
  if (!done) return std::unexpected(done.error());
  return value;
}

}  // namespace bodycam::common::ledger
