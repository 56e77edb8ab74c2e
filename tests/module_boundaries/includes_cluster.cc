// Includes one header of the cluster module; compiled only by the module boundary tests.
#include "cluster/quorum.h"
