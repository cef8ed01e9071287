// gpgme_runtime.h - GPGME initialisation and contexts bound to one GnuPG home.
//
// gpgme_check_version() must run once before any context is made. A context
// is used by one thread at a time: every operation takes its own.
//
// Contexts are pooled per GnuPG home: pointing a new context at a home
// (gpgme_ctx_set_engine_info) makes GPGME run "gpg --version", a process as
// costly as a whole small encryption. make_context() lends an idle context of
// the pool, or makes one; the lease gives it back when it ends normally. A
// lease that ends by an exception releases its context instead, since it may
// hold an unfinished operation. Every operation sets the options it needs
// (armor, keylist mode); nothing else is ever changed on a pooled context.
//
// Thread safety: make_context() and ending leases may run concurrently.
// Failure: throws KeyringError when GPGME or the gpg engine is unusable.
#pragma once

#include "pgp/gpgme_handles.h"

#include <chrono>
#include <memory>
#include <string>

namespace mailveil::pgp {

void ensure_gpgme_initialized();

class ContextPool;

// A context of the pool, for the time of one operation.
class PooledContext {
  public:
    PooledContext(Context ctx, std::shared_ptr<ContextPool> pool);
    PooledContext(PooledContext&&) noexcept = default;
    PooledContext& operator=(PooledContext&&) noexcept = default;
    PooledContext(const PooledContext&) = delete;
    PooledContext& operator=(const PooledContext&) = delete;
    ~PooledContext();

    gpgme_ctx_t get() const { return ctx_.get(); }

    // what, with the reason when this lease's operation failed by outlasting
    // the gpg deadline (pgp/gpg_deadline.h).
    std::string explain(const std::string& what) const;

  private:
    Context ctx_;
    std::shared_ptr<ContextPool> pool_;
    int exceptions_at_start_;
    std::chrono::steady_clock::time_point started_;
};

// An OpenPGP context whose engine uses gnupg_home as its home directory.
PooledContext make_context(const std::string& gnupg_home);

// The gpg program GPGME runs (a path), for error reports.
std::string engine_program();

// "what: gpgme's message" for error reports.
std::string describe_error(const std::string& what, gpgme_error_t error);

} // namespace mailveil::pgp
