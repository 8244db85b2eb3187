# Finds a JDK >= 25 and exports JAVA_HOME: $JAVA_HOME if it is one, else the newest under /usr/lib/jvm.
# Sourced by bin/ariadne and bin/test.

ariadne_java_major() {
  # Prints the feature version of the java binary $1 (e.g. 25), or nothing.
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}

ariadne_find_jdk() {
  local candidate major best="" best_major=0
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    major=$(ariadne_java_major "$JAVA_HOME/bin/java")
    if [ -n "$major" ] && [ "$major" -ge 25 ]; then
      return 0
    fi
  fi
  for candidate in /usr/lib/jvm/*; do
    [ -x "$candidate/bin/javac" ] || continue
    major=$(ariadne_java_major "$candidate/bin/java")
    [ -n "$major" ] || continue
    if [ "$major" -ge 25 ] && [ "$major" -gt "$best_major" ]; then
      best="$candidate"
      best_major="$major"
    fi
  done
  if [ -z "$best" ]; then
    echo "error: Ariadne needs a JDK 25 or newer (set JAVA_HOME, or install one under /usr/lib/jvm," \
         "e.g. Temurin 25)" >&2
    return 1
  fi
  export JAVA_HOME="$best"
}

ariadne_require_maven() {
  if ! command -v mvn >/dev/null 2>&1; then
    echo "error: Maven (mvn) is needed to build Ariadne; install it (e.g. apt-get install maven)" >&2
    return 1
  fi
}
