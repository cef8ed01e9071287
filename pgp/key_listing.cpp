#include "pgp/key_listing.h"

#include "core/errors.h"
#include "pgp/gpgme_runtime.h"

namespace mailveil::pgp {

void for_each_listed_key(const std::string& gnupg_home, const char* pattern,
                         const std::function<void(const Key&)>& visit) {
    PooledContext ctx = make_context(gnupg_home);
    gpgme_set_keylist_mode(ctx.get(), GPGME_KEYLIST_MODE_LOCAL);
    if (auto err = gpgme_op_keylist_start(ctx.get(), pattern, 0); err != GPG_ERR_NO_ERROR) {
        throw KeyringError(ctx.explain(describe_error("cannot list keys in " + gnupg_home, err)));
    }
    for (;;) {
        gpgme_key_t raw = nullptr;
        const gpgme_error_t err = gpgme_op_keylist_next(ctx.get(), &raw);
        if (gpgme_err_code(err) == GPG_ERR_EOF) {
            break;
        }
        if (err != GPG_ERR_NO_ERROR) {
            throw KeyringError(
                ctx.explain(describe_error("cannot list keys in " + gnupg_home, err)));
        }
        visit(Key::adopt(raw));
    }
    gpgme_keylist_result_t result = gpgme_op_keylist_result(ctx.get());
    if (result != nullptr && result->truncated) {
        throw KeyringError("key listing in " + gnupg_home + " was truncated");
    }
}

} // namespace mailveil::pgp
