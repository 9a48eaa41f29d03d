// The console catalogue at an agency's size: builds a catalogue of synthetic sessions (default 100 000: 200
// officers in 10 units over a year, one in four noted with place, party, case number, category and text),
// then times the common searches — by officer and a month, by case number, by a free-text word, by unit and
// category — and the statistics over every row.
//   bench_console_catalogue FILE [sessions] [repeats]   FILE must not exist; it is removed at the end
// Prints one line per measurement: name, matches, median and worst latency. Exits 1 if a search finds nothing.
#include "tools/catalogue/catalogue_db.hpp"
#include "tools/catalogue/supervision_stats.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>

namespace cat = bodycam::tools::catalogue;
namespace record = bodycam::common::record;
using clock_type = std::chrono::steady_clock;

namespace {

const char* const words[] = {"driver", "refused", "breath", "test", "suspect", "fled", "north", "gate", "witness",
                             "statement", "vehicle", "stopped", "crowd", "dispersed", "complaint", "damage"};
const char* const categories[] = {"evidence", "complaint", "traffic", "obstruction", "mass_incident", "other"};

std::vector<cat::session_row> synthetic_rows(std::size_t n, std::mt19937& rng) {
  const auto year_start = record::utc_time(std::chrono::sys_days(std::chrono::year(2026) / 1 / 1));
  std::vector<cat::session_row> rows(n);
  for (std::size_t i = 0; i < n; ++i) {
    auto& r = rows[i];
    const auto officer = rng() % 200;
    r.officer = "officer-" + std::to_string(officer);
    r.unit = "unit-" + std::to_string(officer % 10);
    r.device = "cam-" + std::to_string(officer * 2 + rng() % 2);
    char hex[33];
    std::snprintf(hex, sizeof hex, "%016zx%016x", i, static_cast<unsigned>(rng()));
    r.session = hex;
    r.start = year_start + std::chrono::seconds(rng() % (365 * 86400));
    r.duration = std::chrono::seconds(60 + rng() % 3600);
    r.end = r.start + r.duration;
    r.segments = static_cast<std::uint32_t>(r.duration.count() / 60 + 1);
    r.statements_present = 2;
    if (rng() % 10 == 0) r.interruptions["low_battery"] = 1;
    if (rng() % 4 == 0) {
      r.case_number = "CASE-2026-" + std::to_string(i);
      r.category = categories[rng() % 6];
      r.place = "Street " + std::to_string(rng() % 500);
      r.party = "Person " + std::to_string(rng() % 5000);
      for (int w = 0; w < 12; ++w) r.text += std::string(words[rng() % 16]) + " ";
      if (i % 100 == 7) r.text += "zeppelin";  // a rare word: one noted session in 400
      r.note_entries = 1;
    }
  }
  return rows;
}

template <class F>
bool measure(const char* name, int repeats, F&& search) {
  std::vector<double> ms;
  std::uint64_t matches = 0;
  for (int i = 0; i < repeats; ++i) {
    const auto t0 = clock_type::now();
    matches = search();
    ms.push_back(std::chrono::duration<double, std::milli>(clock_type::now() - t0).count());
  }
  std::sort(ms.begin(), ms.end());
  std::printf("%-40s %8llu matches  median %8.2f ms  worst %8.2f ms\n", name, static_cast<unsigned long long>(matches),
              ms[ms.size() / 2], ms.back());
  return matches > 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: bench_console_catalogue FILE [sessions] [repeats]\n");
    return 2;
  }
  const std::filesystem::path path = argv[1];
  const std::size_t n = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 100'000;
  const int repeats = argc > 3 ? std::atoi(argv[3]) : 20;
  if (std::filesystem::exists(path)) {
    std::fprintf(stderr, "bench_console_catalogue: %s exists; give a new path\n", path.c_str());
    return 2;
  }
  std::mt19937 rng(20261205);
  const auto rows = synthetic_rows(n, rng);
  auto db = cat::catalogue_db::open(path);
  if (!db) {
    std::fprintf(stderr, "bench_console_catalogue: %s\n", db.error().context.c_str());
    return 1;
  }
  const auto t0 = clock_type::now();
  if (auto ok = db->insert_rows(rows); !ok) {
    std::fprintf(stderr, "bench_console_catalogue: %s\n", ok.error().context.c_str());
    return 1;
  }
  std::printf("%-40s %8zu sessions %8.2f s\n", "build (one transaction)", n,
              std::chrono::duration<double>(clock_type::now() - t0).count());
  std::error_code ec;
  std::printf("%-40s %8.1f MiB\n", "file size", static_cast<double>(std::filesystem::file_size(path, ec)) / 1048576.0);

  const auto run = [&](cat::search_query q) -> std::uint64_t {
    auto page = db->search(q);
    if (!page) {
      std::fprintf(stderr, "search: %s\n", page.error().context.c_str());
      return 0;
    }
    return page->total;
  };
  const auto june = record::utc_time(std::chrono::sys_days(std::chrono::year(2026) / 6 / 1));
  const auto july = record::utc_time(std::chrono::sys_days(std::chrono::year(2026) / 7 / 1));
  bool ok = true;
  cat::search_query q;
  q.officer = "officer-42";
  q.from = june;
  q.to = july;
  ok &= measure("officer + one month (page of 50)", repeats, [&] { return run(q); });
  q = {};
  q.case_number = rows[rows.size() / 2].case_number.empty() ? "CASE-2026-3" : rows[rows.size() / 2].case_number;
  for (const auto& r : rows)
    if (!r.case_number.empty()) { q.case_number = r.case_number; break; }
  ok &= measure("case number", repeats, [&] { return run(q); });
  q = {};
  q.text = "zeppelin";
  ok &= measure("free text, a rare word", repeats, [&] { return run(q); });
  q.text = "suspect fled";
  ok &= measure("free text, two common words", repeats, [&] { return run(q); });
  q = {};
  q.unit = "unit-3";
  q.category = "traffic";
  ok &= measure("unit + category", repeats, [&] { return run(q); });
  q = {};
  q.offset = 90'000;
  ok &= measure("everything, page at offset 90000", repeats, [&] { return run(q); });
  ok &= measure("statistics: all rows, by unit and week", std::max(1, repeats / 10), [&]() -> std::uint64_t {
    auto all = db->rows(std::nullopt, std::nullopt);
    if (!all) return 0;
    return cat::supervision_stats(*all, {}, {cat::stats_group::unit, cat::stats_period::week, {}, {}}).size();
  });
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix, ec);
  return ok ? 0 : 1;
}
