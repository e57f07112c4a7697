// Writes the catalogue, the device catalogue and the fitted speed model as C++ source (catalog_blob.hpp: its fields as bytes) to the file named on
// the command line:
// the native build parses data/*.json as always, and the WebAssembly build compiles the result,
// so the page's modules neither parse the catalogues nor fit the speed model at start-up.
#include <cstdio>
#include <exception>
#include <fstream>

#include "catalog_blob.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUTPUT.cpp\n", argv[0]);
    return 2;
  }
  try {
    const std::string text = vramcalc::catalog_blob::file(vramcalc::catalog(), vramcalc::hardware(), vramcalc::speed_model());
    std::ofstream out(argv[1], std::ios::binary);
    out << text;
    if (!out.flush()) {
      std::fprintf(stderr, "catalog_tables: cannot write %s\n", argv[1]);
      return 1;
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "catalog_tables: %s\n", e.what());
    return 1;
  }
  return 0;
}
