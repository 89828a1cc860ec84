import { runMarker } from "./run-marker.mjs";

/** Jest's global setup: marks the run before any worker starts, so workers inherit the marker. */
export default function globalSetup() {
  runMarker();
}
