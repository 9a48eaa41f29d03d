// The status server's admission policy (A1-A4 in connection_admission.hpp).
#include "ingest/status/connection_admission.hpp"

#include <algorithm>

namespace bodycam::ingest::status {

std::size_t connection_admission::open_from(const std::string& client) const noexcept {
  return static_cast<std::size_t>(
      std::count_if(entries_.begin(), entries_.end(), [&](const entry& e) { return e.client == client; }));
}

connection_admission::connection_id connection_admission::cut_oldest_waiting(const std::string* client) noexcept {
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    if (it->answering || (client != nullptr && it->client != *client)) continue;
    const connection_id id = it->id;
    entries_.erase(it);
    return id;
  }
  return 0;
}

connection_admission::decision connection_admission::admit(const std::string& client) {
  decision d;
  const std::size_t max_connections = std::max<std::size_t>(limits_.max_connections, 1);
  const std::size_t max_per_client = std::max<std::size_t>(limits_.max_per_client, 1);
  if (open_from(client) >= max_per_client) {  // A2
    const connection_id own = cut_oldest_waiting(&client);
    if (own == 0) return d;  // A4: all of this client's connections are being answered
    d.cut.push_back(own);
  }
  if (entries_.size() >= max_connections) {  // A1
    const connection_id any = cut_oldest_waiting(nullptr);
    if (any == 0) return d;  // A4
    d.cut.push_back(any);
  }
  d.admitted = true;
  d.id = next_id_++;
  entries_.push_back({d.id, client, false});
  if (entries_.size() >= max_connections && max_connections > 1) {  // A3: keep one slot free
    // The newcomer itself is the youngest entry, so it is cut only if nothing older is waiting.
    auto oldest =
        std::find_if(entries_.begin(), std::prev(entries_.end()), [](const entry& e) { return !e.answering; });
    if (oldest != std::prev(entries_.end())) {
      d.cut.push_back(oldest->id);
      entries_.erase(oldest);
    }
  }
  return d;
}

void connection_admission::mark_answering(connection_id id) noexcept {
  for (auto& e : entries_)
    if (e.id == id) e.answering = true;
}

void connection_admission::remove(connection_id id) noexcept {
  std::erase_if(entries_, [id](const entry& e) { return e.id == id; });
}

}  // namespace bodycam::ingest::status
