// scanner.cpp - protocol and suite enumeration; see scanner.h.
#include "tlscheck/scanner.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "tlscheck/cipher_catalogue.h"
#include "tlscheck/prober.h"

namespace tlscheck {

const ProtocolScan* ScanResult::find(TlsVersion v) const {
    for (const auto& p : protocols)
        if (p.version == v)
            return &p;
    return nullptr;
}

std::vector<std::uint16_t> candidates_for(TlsVersion v) {
    std::vector<std::uint16_t> out;
    for (const auto& s : all_suites()) {
        if (v == TlsVersion::tls1_3 ? s.tls13
                                    : !s.tls13 && (v == TlsVersion::tls1_2 || !s.tls12_only))
            out.push_back(s.code);
    }
    return out;
}

namespace {

constexpr std::size_t chunk_size = 128;
constexpr int max_busy_attempts = 8;
constexpr int max_failed_attempts = 3;

// Limits open connections; the limit drops by one each time the server says it is busy.
class Gate {
  public:
    explicit Gate(unsigned limit) : limit_(limit) {}
    void acquire() {
        std::unique_lock lock(mutex_);
        cv_.wait(lock, [&] { return open_ < limit_; });
        ++open_;
    }
    void release() {
        {
            std::lock_guard lock(mutex_);
            --open_;
        }
        cv_.notify_one();
    }
    void server_busy() {
        std::lock_guard lock(mutex_);
        if (limit_ > 1)
            --limit_;
    }

  private:
    std::mutex mutex_;
    std::condition_variable cv_;
    unsigned limit_;
    unsigned open_ = 0;
};

class Scanner {
  public:
    Scanner(const Options& opt, const ProgressFn& progress)
        : opt_(opt), progress_(progress), gate_(opt.parallel) {}

    // One probe with retries and back-off. Returns nullopt when it never got an answer.
    std::optional<ProbeOutcome> run(TlsVersion v, const std::vector<std::uint16_t>& suites) {
        int busy = 0, failed = 0;
        for (;;) {
            gate_.acquire();
            ProbeOutcome o = probe(opt_, v, suites);
            gate_.release();
            std::size_t done = ++probes_;
            if (progress_)
                progress_(done);
            if (o.kind == ProbeOutcome::Kind::accepted || o.kind == ProbeOutcome::Kind::rejected)
                return o;
            if (o.kind == ProbeOutcome::Kind::busy) {
                ++busy_retries_;
                gate_.server_busy();
                if (++busy >= max_busy_attempts) {
                    error(v, "server kept refusing connections: " + o.detail);
                    return std::nullopt;
                }
                std::this_thread::sleep_for(std::chrono::milliseconds(
                    std::min(100 << busy, 3000) + static_cast<int>(probes_ % 7) * 10));
                continue;
            }
            if (++failed >= max_failed_attempts) {
                error(v, o.detail);
                return std::nullopt;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
        }
    }

    void error(TlsVersion v, const std::string& text) {
        std::lock_guard lock(mutex_);
        errors_.push_back(std::string(version_name(v)) + ": " + text);
    }

    // Runs tasks on at most opt.parallel threads.
    void run_all(std::vector<std::function<void()>> tasks) {
        std::atomic<std::size_t> next{0};
        auto worker = [&] {
            for (std::size_t i; (i = next++) < tasks.size();)
                tasks[i]();
        };
        std::vector<std::jthread> threads;
        std::size_t n = std::min<std::size_t>(opt_.parallel, tasks.size());
        for (std::size_t i = 1; i < n; ++i)
            threads.emplace_back(worker);
        worker();
    }

    // Elimination over one chunk; returns the accepted suites in the order found.
    std::vector<std::uint16_t> eliminate(TlsVersion v, std::vector<std::uint16_t> remaining) {
        std::vector<std::uint16_t> found;
        while (!remaining.empty()) {
            auto o = run(v, remaining);
            if (!o || o->kind != ProbeOutcome::Kind::accepted)
                break;
            auto it = std::find(remaining.begin(), remaining.end(), o->suite);
            if (it == remaining.end()) {
                error(v, "server chose suite " + hex_code(o->suite) + " that was not offered");
                break;
            }
            found.push_back(o->suite);
            remaining.erase(it);
        }
        return found;
    }

    ScanResult scan() {
        auto start = std::chrono::steady_clock::now();
        ScanResult result;
        for (TlsVersion v : all_versions)
            result.protocols.push_back(ProtocolScan{v, false, {}, std::nullopt, std::nullopt});

        // 1. one probe per version
        std::vector<std::function<void()>> tasks;
        for (auto& p : result.protocols)
            tasks.emplace_back([&p, this] {
                auto o = run(p.version, candidates_for(p.version));
                p.accepted = o && o->kind == ProbeOutcome::Kind::accepted;
            });
        run_all(std::move(tasks));

        // 2. suites per accepted version, chunk by chunk
        struct Chunk {
            ProtocolScan* protocol;
            std::vector<std::uint16_t> suites;
            std::vector<std::uint16_t> found;
        };
        std::vector<Chunk> chunks;
        for (auto& p : result.protocols) {
            if (!p.accepted)
                continue;
            auto all = candidates_for(p.version);
            for (std::size_t i = 0; i < all.size(); i += chunk_size)
                chunks.push_back(
                    {&p,
                     std::vector<std::uint16_t>(all.begin() + static_cast<std::ptrdiff_t>(i),
                                                all.begin() + static_cast<std::ptrdiff_t>(std::min(
                                                                  all.size(), i + chunk_size))),
                     {}});
        }
        tasks.clear();
        for (auto& c : chunks)
            tasks.emplace_back([&c, this] { c.found = eliminate(c.protocol->version, c.suites); });
        run_all(std::move(tasks));
        for (auto& c : chunks)
            c.protocol->suites.insert(c.protocol->suites.end(), c.found.begin(), c.found.end());

        // 3. server order
        tasks.clear();
        for (auto& p : result.protocols) {
            if (p.suites.size() < 2)
                continue;
            tasks.emplace_back([&p, this] {
                std::vector<std::uint16_t> forward = p.suites;
                std::sort(forward.begin(), forward.end());
                std::vector<std::uint16_t> backward(forward.rbegin(), forward.rend());
                auto a = run(p.version, forward);
                auto b = run(p.version, backward);
                if (!a || !b || a->kind != ProbeOutcome::Kind::accepted ||
                    b->kind != ProbeOutcome::Kind::accepted)
                    return;
                if (a->suite == b->suite) {
                    p.server_order = true;
                    p.preferred = a->suite;
                } else {
                    p.server_order = !(a->suite == forward.front() && b->suite == backward.front());
                }
            });
        }
        run_all(std::move(tasks));

        result.probes = probes_;
        result.busy_retries = busy_retries_;
        result.errors = errors_;
        result.elapsed_ms =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                .count();
        return result;
    }

  private:
    const Options& opt_;
    const ProgressFn& progress_;
    Gate gate_;
    std::atomic<std::size_t> probes_{0};
    std::atomic<std::size_t> busy_retries_{0};
    std::mutex mutex_;
    std::vector<std::string> errors_;
};

} // namespace

ScanResult scan(const Options& opt, const ProgressFn& progress) {
    Scanner s(opt, progress);
    return s.scan();
}

} // namespace tlscheck
