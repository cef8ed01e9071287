#include "pgp/gpgme_runtime.h"

#include "core/errors.h"

#include <clocale>
#include <mutex>

namespace mailveil::pgp {

void ensure_gpgme_initialized() {
    static std::once_flag once;
    static bool usable = false;
    std::call_once(once, [] {
        gpgme_check_version(nullptr);
        gpgme_set_locale(nullptr, LC_CTYPE, std::setlocale(LC_CTYPE, nullptr));
        usable = gpgme_engine_check_version(GPGME_PROTOCOL_OpenPGP) == GPG_ERR_NO_ERROR;
    });
    if (!usable) {
        throw KeyringError("GPGME has no usable OpenPGP engine (is gnupg installed?)");
    }
}

std::string describe_error(const std::string& what, gpgme_error_t error) {
    return what + ": " + gpgme_strerror(error);
}

Context make_context(const std::string& gnupg_home) {
    ensure_gpgme_initialized();
    gpgme_ctx_t raw = nullptr;
    if (auto err = gpgme_new(&raw); err != GPG_ERR_NO_ERROR) {
        throw KeyringError(describe_error("cannot create GPGME context", err));
    }
    Context ctx(raw);
    if (auto err = gpgme_set_protocol(ctx.get(), GPGME_PROTOCOL_OpenPGP); err != GPG_ERR_NO_ERROR) {
        throw KeyringError(describe_error("cannot select OpenPGP", err));
    }
    if (auto err = gpgme_ctx_set_engine_info(ctx.get(), GPGME_PROTOCOL_OpenPGP, nullptr,
                                             gnupg_home.c_str());
        err != GPG_ERR_NO_ERROR) {
        throw KeyringError(describe_error("cannot use GnuPG home " + gnupg_home, err));
    }
    return ctx;
}

} // namespace mailveil::pgp
