#!/bin/sh
# Prints the home of a JDK 25 or newer, for ./mvnw and .ci/run; exits 1 with advice when there is none.
# Order: $CORTADO_JAVA_HOME, $JAVA_HOME, then the usual install folders (newest version first).
# Cortado is compiled for Java 25 (maven.compiler.release=25), so a newer JDK works too.

feature_of() { # $1 = a JDK home; prints its feature version (17, 25 ...) or nothing
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 0
  if [ -f "$1/release" ]; then
    sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release"
  fi
}

good() { v="$(feature_of "$1")"; [ -n "$v" ] && [ "$v" -ge 25 ]; }

for home in "${CORTADO_JAVA_HOME-}" "${JAVA_HOME-}"; do
  if [ -n "$home" ] && good "$home"; then printf '%s\n' "$home"; exit 0; fi
done

best=""; bestv=0
for home in /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/* \
            /Library/Java/JavaVirtualMachines/*/Contents/Home "$HOME"/Library/Java/JavaVirtualMachines/*/Contents/Home; do
  [ -d "$home" ] || continue
  v="$(feature_of "$home")"
  if [ -n "$v" ] && [ "$v" -ge 25 ] && [ "$v" -gt "$bestv" ]; then best="$home"; bestv="$v"; fi
done
if [ -n "$best" ]; then printf '%s\n' "$best"; exit 0; fi

cat >&2 <<'MSG'
Cortado needs a JDK 25 or newer, and none was found
(looked at $CORTADO_JAVA_HOME, $JAVA_HOME, /usr/lib/jvm, /usr/java, /opt/java, ~/.sdkman, ~/.jdks, /Library/Java).
Install one, for example Eclipse Temurin 25:
  Debian/Ubuntu : apt install temurin-25-jdk   (from https://packages.adoptium.net)
  SDKMAN        : sdk install java 25-tem
  macOS         : brew install --cask temurin@25
  any system    : https://adoptium.net/temurin/releases/?version=25
then run the command again, or point CORTADO_JAVA_HOME (or JAVA_HOME) at it.
MSG
exit 1
