#!/usr/bin/env bash
# Packages Loupe as a native desktop application with the JDK's jpackage.
#   installer/jpackage.sh [app-image|deb|rpm]     (default app-image; deb needs dpkg-deb, rpm needs rpmbuild)
# Input: app/target/loupe-app.jar and app/target/lib/ (mvn -B -DskipTests package builds them) and the sample models.
# Output: installer/target/Loupe (app-image) or installer/target/*.deb / *.rpm.
set -euo pipefail
type="${1:-app-image}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
jpackage="${JAVA_HOME:+$JAVA_HOME/bin/}jpackage"
command -v "$jpackage" >/dev/null || { echo "installer: jpackage not found (it ships with JDK 14+; set JAVA_HOME)" >&2; exit 1; }
[ -f "$root/app/target/loupe-app.jar" ] || { echo "installer: build the app first: mvn -B -DskipTests package" >&2; exit 1; }

stage="$here/target/input"
rm -rf "$stage" "$here/target/Loupe"
mkdir -p "$stage"
cp "$root/app/target/loupe-app.jar" "$stage/"
cp "$root"/app/target/lib/*.jar "$stage/"
# The sample models travel inside the app, next to the jars, where SampleModels finds them.
mkdir -p "$stage/sample-models"
for m in tiny-lm looped-lm; do
  [ -d "$root/sample-models/$m" ] && cp -r "$root/sample-models/$m" "$stage/sample-models/"
done

"$jpackage" --type "$type" --name Loupe --app-version 0.1.0 \
  --vendor "Loupe" --description "Visual interpretability workbench for transformer models" \
  --input "$stage" --main-jar loupe-app.jar --main-class dev.loupe.app.Main \
  --java-options "-Dai.djl.offline=true -Xmx8g" \
  --dest "$here/target"
echo "installer: wrote $(ls -d "$here"/target/Loupe* "$here"/target/*.deb "$here"/target/*.rpm 2>/dev/null | tr '\n' ' ')"
