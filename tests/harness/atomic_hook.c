/* SPDX-License-Identifier: MIT */
/*
 * svm/atomic.h's hook in host builds: called before every atomic of svmhv's
 * cross-CPU protocols; NULL unless the interleaving explorer runs.
 */
#include "svm/atomic.h"

void (*svm_atomic_hook)(void);
