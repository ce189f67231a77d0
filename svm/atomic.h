/* SPDX-License-Identifier: MIT */
/*
 * The atomic operations of svmhv's cross-CPU protocols (svm/tlb.c's request
 * words, hv/'s requests, kicks and run modes): GCC's __atomic builtins, one
 * name each. In host builds every one first calls svm_atomic_hook, so the
 * model checker's interleaving explorer (tests/model/interleave.c) can switch
 * CPUs there and try every order of these operations.
 */
#ifndef SVMHV_SVM_ATOMIC_H
#define SVMHV_SVM_ATOMIC_H

#ifdef SVMHV_HOST_TEST
extern void (*svm_atomic_hook)(void);
#define SVM_ATOMIC_POINT()      do { if (svm_atomic_hook) svm_atomic_hook(); } while (0)
#else
#define SVM_ATOMIC_POINT()      do { } while (0)
#endif

#define svm_atomic_load(p, order) \
	({ SVM_ATOMIC_POINT(); __atomic_load_n((p), (order)); })
#define svm_atomic_store(p, v, order) \
	({ SVM_ATOMIC_POINT(); __atomic_store_n((p), (v), (order)); })
#define svm_atomic_xchg(p, v, order) \
	({ SVM_ATOMIC_POINT(); __atomic_exchange_n((p), (v), (order)); })
#define svm_atomic_cas(p, expected, desired, order) \
	({ SVM_ATOMIC_POINT(); \
	   __atomic_compare_exchange_n((p), (expected), (desired), false, (order), \
				       __ATOMIC_ACQUIRE); })
#define svm_atomic_or(p, v, order) \
	({ SVM_ATOMIC_POINT(); __atomic_or_fetch((p), (v), (order)); })
#define svm_atomic_add(p, v, order) \
	({ SVM_ATOMIC_POINT(); __atomic_add_fetch((p), (v), (order)); })

#endif /* SVMHV_SVM_ATOMIC_H */
