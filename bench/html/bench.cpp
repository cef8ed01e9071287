// bench.cpp - throughput of the HTML converter on newsletter-like HTML.
//
//   mailveil-html-bench [MEGABYTES]   (default 5)
//
// Builds a newsletter (layout tables, styles, links, images, a preheader,
// entities) of about 50 KB and one of MEGABYTES, converts each repeatedly and
// prints MB/s and the cost ratio of the large one to the small one; a linear
// converter shows a ratio near the size ratio (100 for 5 MB vs 50 KB).
#include "html/html_to_text.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
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

// Seconds per conversion: the best of `rounds` timings of `reps` conversions.
double seconds_per_conversion(const std::string& html, int reps, int rounds, std::size_t& out) {
    double best = 1e9;
    for (int r = 0; r < rounds; ++r) {
        const auto t0 = std::chrono::steady_clock::now();
        for (int i = 0; i < reps; ++i)
            out += mailveil::html::to_text(html, "utf-8").size();
        const auto t1 = std::chrono::steady_clock::now();
        best = std::min(best, std::chrono::duration<double>(t1 - t0).count() / reps);
    }
    return best;
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
    const double t_small = seconds_per_conversion(small, 100, 5, sink);
    const double t_large = seconds_per_conversion(large, 1, 3, sink);
    std::printf("small: %8zu bytes  %8.3f ms  %6.1f MB/s\n", small.size(), t_small * 1e3,
                small.size() / t_small / 1e6);
    std::printf("large: %8zu bytes  %8.3f ms  %6.1f MB/s\n", large.size(), t_large * 1e3,
                large.size() / t_large / 1e6);
    std::printf("cost ratio large/small: %.1f (size ratio %.1f)\n", t_large / t_small,
                static_cast<double>(large.size()) / small.size());
    return sink == 0 ? 1 : 0; // keeps the work from being optimised away
}
