package io.cortado.bench.peers

import kotlin.coroutines.Continuation
import kotlin.coroutines.EmptyCoroutineContext
import kotlin.coroutines.intrinsics.COROUTINE_SUSPENDED
import kotlin.coroutines.intrinsics.startCoroutineUninterceptedOrReturn
import kotlin.coroutines.intrinsics.suspendCoroutineUninterceptedOrReturn

/**
 * The Kotlin side of AsyncBenchmark: the same loop of awaits as a `suspend` function, driven without a dispatcher
 * (started and resumed on the calling thread), so what is measured is the state machine, as on the Cortado side.
 */
object KotlinSuspend {
    /** Values handed out in turn by [ready], as the Java side's ready future does (no loop folding). */
    class Values {
        private val values = IntArray(16) { it }
        private var next = 0
        fun next(): Int = values[next++ and 15]
    }

    /** A suspend function that never suspends: Kotlin's "await of a ready future". */
    @Suppress("RedundantSuspendModifier")
    suspend fun ready(v: Values): Int = v.next()

    private suspend fun readyLoop(v: Values, n: Int): Int {
        var s = 0
        for (i in 0 until n) s += ready(v)
        return s
    }

    /** Suspends once; the driver resumes it with 1. */
    class Once {
        var cont: Continuation<Int>? = null
    }

    private suspend fun once(o: Once): Int = suspendCoroutineUninterceptedOrReturn { c ->
        o.cont = c
        COROUTINE_SUSPENDED
    }

    private suspend fun onceLoop(o: Once, n: Int): Int {
        var s = 0
        for (i in 0 until n) s += once(o)
        return s
    }

    private class Done : Continuation<Int> {
        var value = 0
        var done = false
        override val context = EmptyCoroutineContext
        override fun resumeWith(result: Result<Int>) {
            value = result.getOrThrow()
            done = true
        }
    }

    /** Runs [n] awaits of a ready value. */
    @JvmStatic
    fun runReady(v: Values, n: Int): Int {
        val d = Done()
        val r = (suspend { readyLoop(v, n) }).startCoroutineUninterceptedOrReturn(d)
        return if (r === COROUTINE_SUSPENDED) d.value else r as Int
    }

    /** Runs [n] awaits that each suspend once and are resumed at once on this thread. */
    @JvmStatic
    fun runOnce(n: Int): Int {
        val o = Once()
        val d = Done()
        val r = (suspend { onceLoop(o, n) }).startCoroutineUninterceptedOrReturn(d)
        if (r !== COROUTINE_SUSPENDED) return r as Int
        while (!d.done) {
            val c = o.cont!!
            o.cont = null
            c.resumeWith(Result.success(1))
        }
        return d.value
    }
}
