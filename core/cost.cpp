// (in progress)
#include "cost.hpp"
