#include "pgp/gpgme_runtime.h"

#include "core/errors.h"
#include "pgp/gpg_deadline.h"

#include <atomic>
#include <clocale>
#include <exception>
#include <map>
#include <mutex>
#include <vector>

namespace mailveil::pgp {

// Idle contexts of one home. Bounded: more are made when more threads need
// one at once, but no more than kMaxIdle wait here.
class ContextPool {
  public:
    static constexpr std::size_t kMaxIdle = 16;

    Context take() {
        const std::lock_guard lock(mutex_);
        if (idle_.empty()) {
            return nullptr;
        }
        Context ctx = std::move(idle_.back());
        idle_.pop_back();
        return ctx;
    }
    void give_back(Context ctx) {
        const std::lock_guard lock(mutex_);
        if (idle_.size() < kMaxIdle) {
            idle_.push_back(std::move(ctx));
        }
    }

  private:
    std::mutex mutex_;
    std::vector<Context> idle_;
};

namespace {

std::shared_ptr<ContextPool> pool_for(const std::string& gnupg_home) {
    static std::mutex mutex;
    static std::map<std::string, std::shared_ptr<ContextPool>> pools;
    const std::lock_guard lock(mutex);
    auto& pool = pools[gnupg_home];
    if (!pool) {
        pool = std::make_shared<ContextPool>();
    }
    return pool;
}

Context new_context(const std::string& gnupg_home) {
    const auto started = std::chrono::steady_clock::now(); // GPGME runs "gpg --version"
    gpgme_ctx_t raw = nullptr;
    if (auto err = gpgme_new(&raw); err != GPG_ERR_NO_ERROR) {
        throw KeyringError(describe_error("cannot create GPGME context", err));
    }
    Context ctx(raw);
    if (auto err = gpgme_set_protocol(ctx.get(), GPGME_PROTOCOL_OpenPGP); err != GPG_ERR_NO_ERROR) {
        throw KeyringError(describe_error("cannot select OpenPGP", err));
    }
    const auto& deadline = gpg_deadline();
    if (auto err = gpgme_ctx_set_engine_info(ctx.get(), GPGME_PROTOCOL_OpenPGP,
                                             deadline ? deadline->wrapper.c_str() : nullptr,
                                             gnupg_home.c_str());
        err != GPG_ERR_NO_ERROR) {
        throw KeyringError(explain_gpg_failure(
            describe_error("cannot use GnuPG home " + gnupg_home, err), started));
    }
    return ctx;
}

} // namespace

void ensure_gpgme_initialized() {
    static std::once_flag once;
    static std::atomic<bool> usable{false};
    static std::mutex mutex;
    std::call_once(once, [] {
        gpgme_check_version(nullptr);
        gpgme_set_locale(nullptr, LC_CTYPE, std::setlocale(LC_CTYPE, nullptr));
        usable = gpgme_engine_check_version(GPGME_PROTOCOL_OpenPGP) == GPG_ERR_NO_ERROR;
    });
    if (usable) {
        return;
    }
    // Not usable when first seen (gnupg being upgraded, or broken): look
    // again on every use, so the daemon recovers without a restart. GPGME
    // keeps the engine version it found first; setting the engine info anew
    // makes it run "gpg --version" again.
    const std::lock_guard lock(mutex);
    if (!usable) {
        gpgme_set_engine_info(GPGME_PROTOCOL_OpenPGP, nullptr, nullptr);
        usable = gpgme_engine_check_version(GPGME_PROTOCOL_OpenPGP) == GPG_ERR_NO_ERROR;
    }
    if (!usable) {
        throw KeyringError("GnuPG engine " + engine_program() +
                           " is missing or does not run (gpg --version failed; is gnupg "
                           "installed?)");
    }
}

std::string engine_program() {
    gpgme_engine_info_t info = nullptr;
    if (gpgme_get_engine_info(&info) == GPG_ERR_NO_ERROR) {
        for (; info != nullptr; info = info->next) {
            if (info->protocol == GPGME_PROTOCOL_OpenPGP && info->file_name != nullptr) {
                return info->file_name;
            }
        }
    }
    return "gpg";
}

std::string describe_error(const std::string& what, gpgme_error_t error) {
    return what + ": " + gpgme_strerror(error);
}

PooledContext::PooledContext(Context ctx, std::shared_ptr<ContextPool> pool)
    : ctx_(std::move(ctx)), pool_(std::move(pool)),
      exceptions_at_start_(std::uncaught_exceptions()), started_(std::chrono::steady_clock::now()) {
}

std::string PooledContext::explain(const std::string& what) const {
    return explain_gpg_failure(what, started_);
}

PooledContext::~PooledContext() {
    if (ctx_ && pool_ && std::uncaught_exceptions() == exceptions_at_start_) {
        pool_->give_back(std::move(ctx_));
    }
}

PooledContext make_context(const std::string& gnupg_home) {
    ensure_gpgme_initialized();
    auto pool = pool_for(gnupg_home);
    Context ctx = pool->take();
    if (!ctx) {
        ctx = new_context(gnupg_home);
    }
    return PooledContext(std::move(ctx), std::move(pool));
}

} // namespace mailveil::pgp
