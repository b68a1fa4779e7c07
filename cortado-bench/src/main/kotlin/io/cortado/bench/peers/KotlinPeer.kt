package io.cortado.bench.peers

import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.Job
import kotlinx.coroutines.async
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.joinAll
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.yield
import java.util.concurrent.CountDownLatch

/** The Kotlin coroutines peer: Dispatchers.Default limited to 2 threads, as WORKLOADS.md asks. */
class KotlinPeer : AutoCloseable {
    private val dispatcher = Dispatchers.Default.limitedParallelism(2)
    private val scope = CoroutineScope(dispatcher)

    /** W1: inside the dispatcher, spawn n coroutines returning a small int; await all; sum. */
    fun spawnMany(n: Int): Long = runBlocking(dispatcher) {
        val ds = ArrayList<kotlinx.coroutines.Deferred<Int>>(n)
        for (i in 0 until n) ds.add(async { i and 0xFF })
        var sum = 0L
        for (d in ds) sum += d.await()
        sum
    }

    /** W2: from this plain thread, launch n coroutines; wait until all finished. */
    fun spawnRemote(n: Int) {
        val latch = CountDownLatch(n)
        for (i in 0 until n) scope.launch { latch.countDown() }
        latch.await()
    }

    /** W3: `tasks` coroutines each yield `yields` times. */
    fun yieldMany(tasks: Int, yields: Int) = runBlocking(dispatcher) {
        val jobs = ArrayList<Job>(tasks)
        for (t in 0 until tasks) jobs.add(launch { repeat(yields) { yield() } })
        jobs.joinAll()
    }

    /** W5: a coroutine launches a child that launches a child ... `depth` deep; the last signals. */
    fun chainedSpawn(depth: Int) {
        val latch = CountDownLatch(1)
        fun chain(n: Int) {
            if (n == 0) latch.countDown() else scope.launch { chain(n - 1) }
        }
        scope.launch { chain(depth) }
        latch.await()
    }

    /**
     * W7: from this plain thread, launch n coroutines; coroutine i records its start and delays (i*7919 % 100)+1 ms;
     * `late[i]` gets its lateness in ns; returns when all finished.
     */
    fun timers(n: Int, late: LongArray) {
        val latch = CountDownLatch(n)
        for (i in 0 until n) {
            scope.launch {
                val start = System.nanoTime()
                val d = (i * 7919L % 100) + 1
                kotlinx.coroutines.delay(d)
                late[i] = System.nanoTime() - start - d * 1_000_000L
                latch.countDown()
            }
        }
        latch.await()
    }

    /** W4: pairs of coroutines; each pair does roundTrips round trips over two Channel(1)s. */
    fun pingPong(pairs: Int, roundTrips: Int) = runBlocking(dispatcher) {
        val jobs = ArrayList<Job>(2 * pairs)
        for (p in 0 until pairs) {
            val ab = kotlinx.coroutines.channels.Channel<Int>(1)
            val ba = kotlinx.coroutines.channels.Channel<Int>(1)
            jobs.add(launch {
                repeat(roundTrips) { ab.send(it); ba.receive() }
                ab.close()
            })
            jobs.add(launch {
                for (v in ab) ba.send(v)
            })
        }
        jobs.joinAll()
    }

    /** W6 / W6u: producers coroutines send perProducer ints each; one consumer sums (capacity <= 0: unlimited). */
    fun mpsc(producers: Int, perProducer: Int, capacity: Int): Long = runBlocking(dispatcher) {
        val ch = kotlinx.coroutines.channels.Channel<Int>(
            if (capacity <= 0) kotlinx.coroutines.channels.Channel.UNLIMITED else capacity)
        val sum = async {
            var s = 0L
            for (v in ch) s += v
            s
        }
        val ps = ArrayList<Job>(producers)
        repeat(producers) { ps.add(launch { for (i in 0 until perProducer) ch.send(i) }) }
        ps.joinAll()
        ch.close()
        sum.await()
    }

    private var idle: List<Job> = emptyList()

    /** W8 part 1: start n coroutines that each await a deferred that never completes. */
    fun startIdle(n: Int) {
        val never = CompletableDeferred<Unit>()
        val jobs = ArrayList<Job>(n)
        for (i in 0 until n) jobs.add(scope.launch { never.await() })
        idle = jobs
    }

    /** W8 part 2: cancel them all and wait until they are gone. */
    fun cancelIdle() = runBlocking {
        for (j in idle) j.cancel()
        idle.joinAll()
        idle = emptyList()
    }

    override fun close() {
        runBlocking { scope.coroutineContext[Job]?.cancelAndJoin() }
    }
}
