// catch2_main.cpp - Catch2's runner, built once for every unit test program.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
