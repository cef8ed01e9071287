// errors.h - the exceptions the core raises.
//
// Everything the core cannot handle safely surfaces as a ProcessingError (or a
// subclass). Front ends catch it once: the milter turns it into a tempfail and
// one log line, mailveil-filter into a non-zero exit and one line on stderr.
// The message is never half-rewritten: a rewrite is built completely before it
// is handed out.
#pragma once

#include <stdexcept>

namespace mailveil {

class ProcessingError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// The keyring is missing, unreadable, or GnuPG failed on it.
class KeyringError : public ProcessingError {
  public:
    using ProcessingError::ProcessingError;
};

// Encryption itself failed (GPGME reported an error or rejected a key).
class EncryptionError : public ProcessingError {
  public:
    using ProcessingError::ProcessingError;
};

// The message bytes could not be parsed or written as MIME.
class MessageError : public ProcessingError {
  public:
    using ProcessingError::ProcessingError;
};

} // namespace mailveil
