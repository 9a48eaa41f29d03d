// Which connections the status server keeps when clients crowd it: the policy, free of sockets and clocks, so
// a flood of slow clients is tested connection by connection. The server tells it of every accepted
// connection (with the client's address), of every connection whose request has arrived (it is being
// answered), and of every connection that ended; it answers whom to admit and whom to cut.
// Guarantees:
//  A1. At most max_connections are open at once.
//  A2. At most max_per_client are open from one client address: a client's connection beyond that is admitted
//      by cutting that same client's oldest connection still waiting for its request.
//  A3. One slot is kept free for a newcomer (the operator): when an admitted connection fills the last free
//      slot, the oldest connection still waiting for its request is cut, so whatever a flood of slow clients
//      holds, the next client is accepted and its request read at once.
//  A4. A connection being answered is never cut (its reply is bounded by the server's request_timeout); when
//      no slot is free and none is waiting, a newcomer is refused.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <string>
#include <vector>

namespace bodycam::ingest::status {

struct admission_limits {
  std::size_t max_connections = 16;
  std::size_t max_per_client = 8;
};

class connection_admission {
 public:
  using connection_id = std::uint64_t;

  struct decision {
    bool admitted = false;
    connection_id id = 0;            // the new connection's id, if admitted
    std::vector<connection_id> cut;  // connections the server must close now (already forgotten here)
  };

  explicit connection_admission(admission_limits limits) noexcept : limits_(limits) {}

  [[nodiscard]] decision admit(const std::string& client);
  // Its request has arrived: from now on it is answered and never cut (A4).
  void mark_answering(connection_id id) noexcept;
  // It ended (answered, timed out, cut, closed by the client); unknown ids are ignored.
  void remove(connection_id id) noexcept;

  [[nodiscard]] std::size_t open() const noexcept { return entries_.size(); }
  [[nodiscard]] std::size_t open_from(const std::string& client) const noexcept;

 private:
  struct entry {
    connection_id id;
    std::string client;
    bool answering = false;
  };
  // Oldest waiting entry (of `client`, or of anyone if empty), removed and returned; 0 if none.
  connection_id cut_oldest_waiting(const std::string* client) noexcept;

  admission_limits limits_;
  std::list<entry> entries_;  // oldest first
  connection_id next_id_ = 1;
};

}  // namespace bodycam::ingest::status
