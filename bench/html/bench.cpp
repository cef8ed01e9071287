// bench.cpp - throughput of the HTML converter on newsletter-like HTML.
//
//   mailveil-html-bench [MEGABYTES]   (default 5)
//
// Builds a newsletter (layout tables, styles, links, images, a preheader,
// entities) of about 50 KB and one of MEGABYTES, converts each repeatedly and
// prints MB/s and the cost ratio of the large one to the small one; a linear
// converter shows a ratio near the size ratio (100 for 5 MB vs 50 KB).
//
// The baseline, measured in the same run and interleaved with the converter
// round by round: libxml2's htmlReadMemory() on the same bytes, tree built
// and freed, nothing else. Times are this thread's CPU time, medians over
// the rounds; the ratio converter/baseline is the number to compare across
// machines and loads.
#include "html/html_to_text.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <libxml/HTMLparser.h>
#include <malloc.h>
#include <memory>
#include <string>
#include <vector>

namespace {

std::string article(std::size_t i) {
    const std::string n = std::to_string(i);
    return R"(<tr><td style="padding:20px 30px;background:#ffffff;font-family:Arial,sans-serif;font-size:15px;line-height:22px;color:#333333">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0"><tr>
<td width="120" valign="top"><a href="https://news.example.com/a/)" +
           n + R"(?utm_source=mail&amp;utm_medium=email"><img src="https://cdn.example.com/i/)" +
           n + R"(.jpg" width="120" height="80" alt="Story )" + n +
           R"(" style="display:block;border:0"></a></td>
<td valign="top" style="padding-left:16px">
<h2 style="margin:0 0 8px 0;font-size:19px;color:#111111">Story )" +
           n + R"(: what changed this week &amp; why it matters</h2>
<p style="margin:0 0 12px 0">Our reporters looked at the numbers&nbsp;&mdash; and found that <strong>prices</strong>
rose by 3&nbsp;% while <em>wages</em> stayed flat. Here is what that means for you, your
family and your savings, with charts and a short explainer.</p>
<p style="margin:0"><a href="https://news.example.com/a/)" +
           n + R"(" style="color:#c0392b;text-decoration:none;font-weight:bold">Read more &rarr;</a>
&nbsp;|&nbsp; <a href="https://news.example.com/share/)" +
           n + R"(" style="color:#888888">Share</a></p>
</td></tr></table>
</td></tr>
<!--[if mso]><tr><td style="height:1px;font-size:1px">&nbsp;</td></tr><![endif]-->
)";
}

std::string newsletter(std::size_t target_bytes) {
    std::string html = R"(<!DOCTYPE html><html><head><meta charset="utf-8"><title>Weekly</title>
<style>body{margin:0}.x{display:none}@media (max-width:600px){.c{width:100%!important}}</style></head>
<body style="margin:0;background:#eeeeee">
<div style="display:none;max-height:0;overflow:hidden">This week: prices, wages and more&nbsp;&zwnj;&nbsp;&zwnj;&nbsp;&zwnj;&nbsp;&zwnj;</div>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr><td align="center">
<table role="presentation" width="600" cellpadding="0" cellspacing="0" class="c">
)";
    const std::string footer =
        R"(<tr><td style="padding:20px;font-size:12px;color:#888888" align="center">
<p>Example News Ltd &middot; 1 Main Street &middot; Springfield</p>
<p><a href="https://news.example.com/unsubscribe?u=1">Unsubscribe</a></p></td></tr>
</table></td></tr></table><img src="https://t.example.com/o.gif" width="1" height="1" alt=""></body></html>)";
    for (std::size_t i = 1; html.size() + footer.size() < target_bytes; ++i)
        html += article(i);
    return html + footer;
}

struct DocFreer {
    void operator()(xmlDoc* doc) const { xmlFreeDoc(doc); }
};

// The baseline: libxml2's HTML parser alone, building and freeing its tree,
// with the options the converter gives it.
std::size_t bare_parse(const std::string& html) {
    constexpr int kOptions = HTML_PARSE_RECOVER | HTML_PARSE_NONET | HTML_PARSE_NOERROR |
                             HTML_PARSE_NOWARNING | HTML_PARSE_IGNORE_ENC | HTML_PARSE_COMPACT;
    const std::unique_ptr<xmlDoc, DocFreer> doc(
        htmlReadMemory(html.data(), static_cast<int>(html.size()), nullptr, "UTF-8", kOptions));
    return doc ? 1 : 0;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// CPU time of this thread: what "MB/s on one core" means, and less at the
// mercy of other work on a shared machine than the wall clock.
double cpu_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

template <typename F> double seconds_per_call(F&& f, int reps) {
    // Freeing libxml2's tree leaves glibc's heap with hundreds of thousands
    // of small free chunks, whose consolidation the next large allocation
    // pays for. Tidy the heap first, so that neither side pays for the other.
    malloc_trim(0);
    const double t0 = cpu_seconds();
    for (int i = 0; i < reps; ++i)
        f();
    return (cpu_seconds() - t0) / reps;
}

struct Timing {
    double convert = 0;  // median seconds per conversion
    double baseline = 0; // median seconds per bare libxml2 parse
    double ratio = 0;    // median of the rounds' convert/baseline
};

// Converter and baseline alternate round by round, so that a machine busy
// with other work slows both alike; medians over the rounds.
Timing measure(const std::string& html, int reps, int rounds, std::size_t& sink) {
    std::vector<double> convert, baseline, ratio;
    for (int r = 0; r < rounds; ++r) {
        const double c =
            seconds_per_call([&] { sink += mailveil::html::to_text(html, "utf-8").size(); }, reps);
        const double b = seconds_per_call([&] { sink += bare_parse(html); }, reps);
        convert.push_back(c);
        baseline.push_back(b);
        ratio.push_back(c / b);
    }
    return {median(convert), median(baseline), median(ratio)};
}

void report(const char* label, std::size_t bytes, const Timing& t) {
    std::printf("%s: %8zu bytes  %8.3f ms  %6.1f MB/s  (libxml2 bare parse %6.1f MB/s; "
                "converter costs %.2fx the bare parse)\n",
                label, bytes, t.convert * 1e3, bytes / t.convert / 1e6, bytes / t.baseline / 1e6,
                t.ratio);
}

} // namespace

int main(int argc, char** argv) {
    const double megabytes = argc > 1 ? std::atof(argv[1]) : 5.0;
    if (megabytes <= 0) {
        std::fprintf(stderr, "usage: mailveil-html-bench [MEGABYTES]\n");
        return 64;
    }
    const std::string small = newsletter(50 * 1000);
    const std::string large = newsletter(static_cast<std::size_t>(megabytes * 1000 * 1000));
    std::size_t sink = 0;
    const Timing t_small = measure(small, 20, 15, sink);
    const Timing t_large = measure(large, 1, 7, sink);
    report("small", small.size(), t_small);
    report("large", large.size(), t_large);
    std::printf("cost ratio large/small: %.1f (size ratio %.1f; bare parse %.1f)\n",
                t_large.convert / t_small.convert, static_cast<double>(large.size()) / small.size(),
                t_large.baseline / t_small.baseline);
    return sink == 0 ? 1 : 0; // keeps the work from being optimised away
}
