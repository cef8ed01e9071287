// main.cpp - Catch2 runner for the mailveil-keys unit tests.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
