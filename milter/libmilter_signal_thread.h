// libmilter_signal_thread - waits until libmilter's own signal thread listens.
//
// smfi_main() starts a thread that sigwaits on SIGHUP, SIGTERM and SIGINT and
// takes any of them, SIGHUP included, as "stop the milter". mailveil catches
// SIGHUP on the main thread instead (reload); the kernel gives a
// process-directed SIGHUP to that thread, except in the moment when
// libmilter's thread is just entering sigwait and finds it pending. Waiting
// for that thread before READY=1 closes the window: systemd reloads only
// after READY=1.
//
//   tasks_now()                         the thread ids of this process
//   wait_for_libmilter_signal_thread()  true once a thread not in `before`
//                                       waits with SIGHUP unblocked (only a
//                                       sigwait unblocks it: every thread
//                                       libmilter starts inherits it blocked);
//                                       false after `limit`
#pragma once

#include <chrono>
#include <set>

#include <sys/types.h>

namespace mailveil::milter {

std::set<pid_t> tasks_now();
bool wait_for_libmilter_signal_thread(const std::set<pid_t>& before,
                                      std::chrono::milliseconds limit);

} // namespace mailveil::milter
