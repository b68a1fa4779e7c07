package io.cortado.asynctests;

import java.util.List;

/** A resource that logs its use and its close. */
final class Res implements AutoCloseable {
    private final String name;
    private final List<String> log;
    private final RuntimeException onClose;

    Res(String name, List<String> log) {
        this(name, log, null);
    }

    Res(String name, List<String> log, RuntimeException onClose) {
        this.name = name;
        this.log = log;
        this.onClose = onClose;
        log.add("open " + name);
    }

    String use() {
        log.add("use " + name);
        return name;
    }

    @Override
    public void close() {
        log.add("close " + name);
        if (onClose != null) {
            throw onClose;
        }
    }
}
