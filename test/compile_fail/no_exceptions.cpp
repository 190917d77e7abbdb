// expect: concurrent-futures needs C++ exceptions (remove -fno-exceptions)
// flags: -fno-exceptions
#include <concurrent/futures.hpp>

int main() {}
