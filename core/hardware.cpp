// (in progress)
#include "hardware.hpp"
