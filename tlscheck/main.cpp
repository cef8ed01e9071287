// main.cpp - mailveil-tlscheck: the edge where exceptions become exit codes.
//
// Parses the options, runs the check, prints the chosen report. Exit codes
// follow the monitoring-plugin convention: 0 OK, 1 WARNING, 2 CRITICAL,
// 3 UNKNOWN (bad arguments, could not connect, a check that could not run,
// or any unexpected error: never a silent OK).
#include <csignal>
#include <iostream>
#include <mutex>
#include <string>
#include <unistd.h>

#include "tlscheck/check_run.h"
#include "tlscheck/report.h"
#include "version.h"

int main(int argc, char** argv) {
    using namespace tlscheck;
    std::signal(SIGPIPE, SIG_IGN);
    Options opt;
    try {
        opt = parse_options(std::vector<std::string>(argv + 1, argv + argc));
    } catch (const UsageError& e) {
        // A monitoring system reads stdout: give it its one line even here.
        for (int i = 1; i < argc; ++i)
            if (std::string(argv[i]) == "--nagios")
                std::cout << "TLSCHECK UNKNOWN - bad arguments: " << e.what() << "\n";
        std::cerr << "mailveil-tlscheck: " << e.what() << "\n" << usage_text();
        return exit_code(Status::unknown);
    }
    if (opt.help) {
        std::cout << usage_text();
        return 0;
    }
    if (opt.version) {
        std::cout << "mailveil-tlscheck " << MAILVEIL_VERSION << "\n";
        return 0;
    }
    try {
        const bool tty_out = ::isatty(STDOUT_FILENO) == 1;
        const bool tty_err = ::isatty(STDERR_FILENO) == 1;
        std::mutex progress_mutex;
        ProgressFn progress;
        if (tty_err && opt.progress && !opt.quick)
            progress = [&](std::size_t done) {
                std::lock_guard lock(progress_mutex);
                std::cerr << "\rprobing " << opt.host << ": " << done << " ClientHello probes"
                          << std::flush;
            };
        CheckRun run = run_check(opt, progress);
        if (progress)
            std::cerr << "\r\033[K" << std::flush;
        switch (opt.format) {
        case OutputFormat::json:
            std::cout << to_json(run).dump(2) << "\n";
            break;
        case OutputFormat::nagios:
            std::cout << nagios_line(run) << "\n";
            break;
        case OutputFormat::human:
            if (opt.quick)
                write_quick(std::cout, run, tty_out && opt.color);
            else
                write_human(std::cout, run, tty_out && opt.color);
            break;
        }
        std::cout.flush();
        return exit_code(run.findings.status());
    } catch (const std::exception& e) {
        if (opt.format == OutputFormat::nagios)
            std::cout << "TLSCHECK UNKNOWN - " << e.what() << "\n";
        else
            std::cerr << "mailveil-tlscheck: " << e.what() << "\n";
        return exit_code(Status::unknown);
    }
}
