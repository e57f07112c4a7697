// (in progress)
#include "planner.hpp"
