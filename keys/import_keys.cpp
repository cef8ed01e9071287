#include "keys/import_keys.h"

#include "core/errors.h"
#include "keys/key_text.h"
#include "pgp/gpgme_handles.h"
#include "pgp/gpgme_runtime.h"

#include <vector>

namespace mailveil::keys {
namespace {

struct ListedKey {
    std::string fingerprint;
    std::string user_id; // the first one, for messages
    bool secret = false;
};

pgp::Data data_of(const std::string& bytes) {
    gpgme_data_t raw = nullptr;
    if (auto err = gpgme_data_new_from_mem(&raw, bytes.data(), bytes.size(), 0);
        err != GPG_ERR_NO_ERROR) {
        throw KeyringError(pgp::describe_error("cannot read the key data", err));
    }
    return pgp::Data(raw);
}

// What the input holds, without importing anything.
std::vector<ListedKey> list_input(gpgme_ctx_t ctx, const std::string& key_data) {
    const pgp::Data data = data_of(key_data);
    if (auto err = gpgme_op_keylist_from_data_start(ctx, data.get(), 0); err != GPG_ERR_NO_ERROR) {
        throw KeyringError(pgp::describe_error("cannot read the keys in the input", err));
    }
    std::vector<ListedKey> keys;
    for (;;) {
        gpgme_key_t raw = nullptr;
        const gpgme_error_t err = gpgme_op_keylist_next(ctx, &raw);
        if (gpgme_err_code(err) == GPG_ERR_EOF) {
            break;
        }
        if (err != GPG_ERR_NO_ERROR) {
            throw KeyringError(pgp::describe_error("cannot read the keys in the input", err));
        }
        const pgp::Key key = pgp::Key::adopt(raw);
        ListedKey listed{key.get()->fpr != nullptr ? key.get()->fpr : "", "",
                         key.get()->secret != 0};
        for (gpgme_subkey_t subkey = key.get()->subkeys; subkey != nullptr; subkey = subkey->next) {
            listed.secret = listed.secret || subkey->secret != 0;
        }
        if (key.get()->uids != nullptr && key.get()->uids->uid != nullptr) {
            listed.user_id = key.get()->uids->uid;
        }
        keys.push_back(std::move(listed));
    }
    return keys;
}

std::string what_changed(unsigned status) {
    if ((status & GPGME_IMPORT_NEW) != 0) {
        return "imported";
    }
    if ((status & (GPGME_IMPORT_UID | GPGME_IMPORT_SIG | GPGME_IMPORT_SUBKEY)) != 0) {
        return "updated";
    }
    return "unchanged";
}

} // namespace

int import_keys(const std::string& gnupg_home, const std::string& key_data, std::ostream& out,
                std::ostream& err) {
    pgp::PooledContext ctx = pgp::make_context(gnupg_home);
    gpgme_set_keylist_mode(ctx.get(), GPGME_KEYLIST_MODE_LOCAL);
    const auto listed = list_input(ctx.get(), key_data);
    if (listed.empty()) {
        err << "mailveil-keys: the input holds no OpenPGP key; nothing imported\n";
        return kExitRefused;
    }
    bool secret = false;
    for (const auto& key : listed) {
        if (key.secret) {
            err << "mailveil-keys: secret key " << key.fingerprint << " (" << key.user_id
                << ") in the input\n";
            secret = true;
        }
    }
    if (secret) {
        err << "mailveil-keys: refusing to import secret keys; nothing imported (export the "
               "public key with gpg --export)\n";
        return kExitRefused;
    }

    const pgp::Data data = data_of(key_data);
    if (auto error = gpgme_op_import(ctx.get(), data.get()); error != GPG_ERR_NO_ERROR) {
        throw KeyringError(pgp::describe_error("cannot import into " + gnupg_home, error));
    }
    const gpgme_import_result_t result = gpgme_op_import_result(ctx.get());
    if (result == nullptr) {
        throw KeyringError("GnuPG gave no import result for " + gnupg_home);
    }
    int exit_code = kExitOk;
    for (gpgme_import_status_t status = result->imports; status != nullptr; status = status->next) {
        const std::string fingerprint = status->fpr != nullptr ? status->fpr : "(unknown key)";
        if (status->result != GPG_ERR_NO_ERROR) {
            out << "not imported " << fingerprint << ": " << gpgme_strerror(status->result) << '\n';
            exit_code = kExitRefused;
        } else {
            out << what_changed(status->status) << ' ' << fingerprint << '\n';
        }
    }
    if (result->considered == 0 || result->not_imported > 0) {
        exit_code = kExitRefused;
    }
    out << result->considered << " considered, " << result->imported << " imported, "
        << result->unchanged << " unchanged, " << result->not_imported << " not imported\n";
    return exit_code;
}

} // namespace mailveil::keys
