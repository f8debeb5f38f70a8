// report_render_sample OUT.html: writes the sample report as an HTML page,
// for the browser check (browser_render_test.sh).
#include <fstream>
#include <iostream>

#include "gateway/reports/render/html.h"
#include "tests/reports/render/sample_document.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: report_render_sample OUT.html\n";
    return 2;
  }
  std::ofstream out(argv[1], std::ios::binary | std::ios::trunc);
  out << isagw::reports::RenderHtml(isagw::reports::testing::SampleDocument());
  out.close();
  if (!out) {
    std::cerr << "report_render_sample: could not write " << argv[1] << "\n";
    return 1;
  }
  return 0;
}
