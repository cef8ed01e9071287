// tcp_nodelay.h - turns Nagle's algorithm off on libmilter's TCP listener.
//
// At end of message mailveil sends the MTA several replies in a row (header
// changes, body chunks, the verdict), each a small write. With Nagle on, a
// write waits for the ACK of the one before, and the MTA's kernel delays
// that ACK: over a TCP milter socket every encrypted message waited about
// 40 ms for nothing. libmilter neither sets TCP_NODELAY nor shows its
// sockets; on Linux an accepted socket inherits the option from its
// listener, so setting it there once covers every connection.
#pragma once

namespace mailveil::milter {

// Sets TCP_NODELAY on each listening TCP socket of this process; returns how
// many. A unix socket (the packaged default) has no Nagle: none found is fine.
int disable_nagle_on_tcp_listeners();

} // namespace mailveil::milter
