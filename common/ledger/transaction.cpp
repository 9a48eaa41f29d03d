// The ledger's transaction over common/sqlite's; see transaction.hpp.
#include "common/ledger/transaction.hpp"

#include "common/ledger/file_table.hpp"
#include "common/sqlite/connection.hpp"

namespace bodycam::common::ledger {

core::expected<transaction> transaction::begin(sqlite::connection& db, const ledger_clock& clock) {
  auto tx = sqlite::transaction::begin(db);
  if (!tx) return std::unexpected(tx.error());
  return transaction(std::move(*tx), clock);
}

core::status transaction::commit(std::string_view what) { return tx_.commit(what); }

core::status transaction::refuse_if_ended(std::string_view operation) const {
  if (!tx_.is_open()) return tx_.db().fail(operation, core::errc::internal, "the transaction has already ended");
  return {};
}

core::status transaction::add_file(const new_file& file) {
  if (auto ok = refuse_if_ended("add file to"); !ok) return ok;
  return insert_file(db(), file, now());
}

core::status transaction::add_fragment(const fragment_entry& fragment) {
  if (auto ok = refuse_if_ended("add fragment to"); !ok) return ok;
  return insert_fragment(db(), fragment);
}

core::status transaction::set_file_state(std::string_view name, const file_transition& transition) {
  if (auto ok = refuse_if_ended("set file state in"); !ok) return ok;
  return update_file_state(db(), name, transition, now());
}

}  // namespace bodycam::common::ledger
