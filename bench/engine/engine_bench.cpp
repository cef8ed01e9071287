// engine_bench.cpp - mailveil's core against a bare GPGME loop, message by message.
//
//   mailveil-engine-bench -k GNUPGHOME -r RECIPIENT [-r ...] [-t THREADS] [-s SECONDS] FILE...
//
// For each message file, two loops run in this one process, interleaved in
// rounds so that other work on the machine slows both alike:
//  - engine: what mailveil-filter does per message, minus reading stdin:
//    ParsedMessage::parse, Engine::process (recipient lookup, HTML step,
//    header protection, encryption) and apply_rewrite, on one Engine shared
//    by the threads as the milter shares it;
//  - gpgme: the limit, a bare gpgme_op_encrypt of the same message bytes to
//    the same keys, armored, always-trust, with the keys looked up once and
//    one context per thread made once; nothing else.
// With THREADS > 1 every thread runs the loop on its own (own GPGME context),
// all on the same message; messages/s counts all threads.
//
// Output: one line per file and loop, key=value, for bench/run to read:
//   file=NAME bytes=N loop=engine threads=T messages=M seconds=S own_cpu=C
// own_cpu is this process's CPU time in the loop: mailveil's MIME and HTML
// work and GPGME's side of the pipes, not gpg's own (GPGME double-forks gpg,
// so it is nobody's child here). CPU time per message holds on a busy machine
// where messages/s does not.
// Exit 0, or 1 with a line on stderr when a message is not encrypted or GPGME
// fails (a benchmark of a failing path would measure nothing).
#include "core/engine.h"
#include "core/rewrite.h"
#include "mime/parsed_message.h"
#include "pgp/gpgme_runtime.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iterator>
#include <stdexcept>
#include <string>
#include <sys/resource.h>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Arguments {
    std::string keyring;
    std::vector<std::string> recipients;
    std::vector<std::string> files;
    unsigned threads = 1;
    double seconds = 2.0; // per file and loop, split into rounds
};

[[noreturn]] void usage() {
    std::fprintf(stderr, "usage: mailveil-engine-bench -k GNUPGHOME -r RECIPIENT [-r ...] "
                         "[-t THREADS] [-s SECONDS] FILE...\n");
    std::exit(64);
}

Arguments parse_arguments(int argc, char** argv) {
    Arguments args;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        const auto value = [&] {
            if (i + 1 >= argc) {
                usage();
            }
            return std::string(argv[++i]);
        };
        if (arg == "-k") {
            args.keyring = value();
        } else if (arg == "-r") {
            args.recipients.push_back(value());
        } else if (arg == "-t") {
            args.threads = static_cast<unsigned>(std::stoul(value()));
        } else if (arg == "-s") {
            args.seconds = std::stod(value());
        } else if (!arg.empty() && arg[0] == '-') {
            usage();
        } else {
            args.files.push_back(arg);
        }
    }
    if (args.keyring.empty() || args.recipients.empty() || args.files.empty() ||
        args.threads == 0 || args.seconds <= 0) {
        usage();
    }
    return args;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::string bytes(std::istreambuf_iterator<char>(in), {});
    if (!in.good() && !in.eof()) {
        throw std::runtime_error("cannot read " + path);
    }
    return bytes;
}

// One mailveil-filter run without the process: parse, decide, encrypt, write.
std::size_t engine_once(const mailveil::core::Engine& engine, const std::string& bytes,
                        const std::vector<std::string>& recipients) {
    const auto message = mailveil::mime::ParsedMessage::parse(bytes);
    const auto outcome = engine.process(message, recipients);
    if (outcome.decision.verdict != mailveil::core::Verdict::Encrypted || !outcome.rewrite) {
        throw std::runtime_error("not encrypted: " + mailveil::core::describe(outcome.decision));
    }
    return mailveil::core::apply_rewrite(message, *outcome.rewrite).size();
}

// The baseline's state for one thread: its context and the keys, made once.
class BareEncryptor {
  public:
    BareEncryptor(const std::string& home, const std::vector<std::string>& fingerprints)
        : ctx_(mailveil::pgp::make_context(home)) {
        gpgme_set_armor(ctx_.get(), 1);
        for (const auto& fpr : fingerprints) {
            gpgme_key_t key = nullptr;
            if (gpgme_get_key(ctx_.get(), fpr.c_str(), &key, 0) != GPG_ERR_NO_ERROR) {
                throw std::runtime_error("gpgme_get_key " + fpr + " failed");
            }
            keys_.push_back(mailveil::pgp::Key::adopt(key));
            raw_keys_.push_back(key);
        }
        raw_keys_.push_back(nullptr);
    }

    std::size_t encrypt(const std::string& bytes) {
        gpgme_data_t plain_raw = nullptr;
        gpgme_data_t cipher_raw = nullptr;
        if (gpgme_data_new_from_mem(&plain_raw, bytes.data(), bytes.size(), 0) != 0) {
            throw std::runtime_error("gpgme_data_new_from_mem failed");
        }
        const mailveil::pgp::Data plain(plain_raw);
        if (gpgme_data_new(&cipher_raw) != 0) {
            throw std::runtime_error("gpgme_data_new failed");
        }
        const mailveil::pgp::Data cipher(cipher_raw);
        const auto flags = static_cast<gpgme_encrypt_flags_t>(GPGME_ENCRYPT_ALWAYS_TRUST |
                                                              GPGME_ENCRYPT_NO_ENCRYPT_TO);
        if (const auto err =
                gpgme_op_encrypt(ctx_.get(), raw_keys_.data(), flags, plain.get(), cipher.get());
            err != GPG_ERR_NO_ERROR) {
            throw std::runtime_error(std::string("gpgme_op_encrypt: ") + gpgme_strerror(err));
        }
        return static_cast<std::size_t>(gpgme_data_seek(cipher.get(), 0, SEEK_END));
    }

  private:
    mailveil::pgp::PooledContext ctx_;
    std::vector<mailveil::pgp::Key> keys_;
    std::vector<gpgme_key_t> raw_keys_;
};

// Runs one_message(thread index) on `threads` threads for about `seconds`;
// returns how many messages they did.
std::size_t run_threads(unsigned threads, double seconds,
                        const std::function<void(unsigned)>& one_message) {
    std::atomic<std::size_t> done{0};
    std::atomic<bool> failed{false};
    std::string failure;
    std::vector<std::thread> pool;
    const auto deadline = Clock::now() + std::chrono::duration<double>(seconds);
    for (unsigned t = 0; t < threads; ++t) {
        pool.emplace_back([&, t] {
            try {
                do {
                    one_message(t);
                    ++done;
                } while (Clock::now() < deadline && !failed);
            } catch (const std::exception& e) {
                if (!failed.exchange(true)) {
                    failure = e.what();
                }
            }
        });
    }
    for (auto& thread : pool) {
        thread.join();
    }
    if (failed) {
        throw std::runtime_error(failure);
    }
    return done;
}

struct Tally {
    std::size_t messages = 0;
    double seconds = 0;
    double own_cpu = 0; // this process, all threads
};

double seconds_of(const timeval& tv) {
    return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) * 1e-6;
}

double own_cpu_now() {
    rusage self{};
    getrusage(RUSAGE_SELF, &self);
    return seconds_of(self.ru_utime) + seconds_of(self.ru_stime);
}

// Runs one loop for `seconds` and adds its wall and CPU time to tally.
void measure(Tally& tally, unsigned threads, double seconds,
             const std::function<void(unsigned)>& one_message) {
    const double cpu_before = own_cpu_now();
    const auto start = Clock::now();
    tally.messages += run_threads(threads, seconds, one_message);
    tally.seconds += std::chrono::duration<double>(Clock::now() - start).count();
    tally.own_cpu += own_cpu_now() - cpu_before;
}

void print(const std::string& file, std::size_t bytes, const char* loop, unsigned threads,
           const Tally& tally) {
    std::printf("file=%s bytes=%zu loop=%s threads=%u messages=%zu seconds=%.4f own_cpu=%.4f\n",
                file.c_str(), bytes, loop, threads, tally.messages, tally.seconds, tally.own_cpu);
    std::fflush(stdout);
}

} // namespace

int main(int argc, char** argv) {
    const Arguments args = parse_arguments(argc, argv);
    try {
        const mailveil::core::Engine engine{mailveil::core::EngineSettings(args.keyring)};
        std::vector<std::string> fingerprints;
        for (const auto& recipient : args.recipients) {
            const auto resolution = engine.resolve(recipient);
            if (!resolution.key) {
                throw std::runtime_error("no usable key for " + recipient);
            }
            fingerprints.push_back(resolution.key->fingerprint);
        }
        constexpr int kRounds = 3;
        const double slice = args.seconds / kRounds;
        for (const auto& path : args.files) {
            const std::string bytes = read_file(path);
            const std::string name = path.substr(path.find_last_of('/') + 1);
            // Warm-up: page cache, gpg-agent, the keyring check, first allocations.
            engine_once(engine, bytes, args.recipients);
            // The baseline's contexts and keys are made before its clock starts.
            std::vector<BareEncryptor> bare;
            for (unsigned t = 0; t < args.threads; ++t) {
                bare.emplace_back(args.keyring, fingerprints).encrypt(bytes);
            }

            Tally engine_tally;
            Tally bare_tally;
            for (int round = 0; round < kRounds; ++round) {
                measure(engine_tally, args.threads, slice,
                        [&](unsigned) { engine_once(engine, bytes, args.recipients); });
                measure(bare_tally, args.threads, slice,
                        [&](unsigned t) { bare[t].encrypt(bytes); });
            }
            print(name, bytes.size(), "engine", args.threads, engine_tally);
            print(name, bytes.size(), "gpgme", args.threads, bare_tally);
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "mailveil-engine-bench: %s\n", e.what());
        return 1;
    }
    return 0;
}
