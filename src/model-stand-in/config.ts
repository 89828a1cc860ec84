import type { CodexConfigObject } from "../types/options.js";

/** The `config` that points codex at a stand-in's URL as its model provider. */
export function standInConfig(baseUrl: string): CodexConfigObject {
  return {
    model_provider: "stand_in",
    model_providers: {
      stand_in: {
        name: "stand_in",
        base_url: baseUrl,
        wire_api: "responses",
        supports_websockets: false,
        env_key: "CODEX_API_KEY",
        request_max_retries: 0,
        stream_max_retries: 0,
      },
    },
  };
}
