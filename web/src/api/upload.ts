import { codeForStatus, NetworkError } from "@burstflare/sdk/client";
import { ApiError, isErrorBody } from "@burstflare/sdk/errors";
import { csrfToken } from "./client";

/**
 * PUTs a file with upload progress. fetch() cannot report request-body progress, so this one
 * call uses XMLHttpRequest; errors come back as ApiError with the server's code like
 * everything else in the api layer.
 */
export function uploadWithProgress<T>(
  url: string,
  file: Blob,
  opts: { contentType: string; onProgress?: (fraction: number, loaded: number) => void; signal?: AbortSignal },
): Promise<T> {
  // The grant's URL carries the API's public origin; the SPA always talks to its own.
  const path = new URL(url, window.location.origin).pathname;
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("PUT", path);
    xhr.withCredentials = true;
    xhr.setRequestHeader("content-type", opts.contentType);
    const token = csrfToken();
    if (token) xhr.setRequestHeader("x-csrf-token", token);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) opts.onProgress?.(e.loaded / e.total, e.loaded);
    };
    xhr.onload = () => {
      let data: unknown;
      try {
        data = xhr.responseText ? JSON.parse(xhr.responseText) : undefined;
      } catch {
        data = undefined;
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        opts.onProgress?.(1, file.size);
        resolve(data as T);
      } else if (isErrorBody(data)) {
        reject(new ApiError(data.error.code, data.error.message, { details: data.error.details }));
      } else {
        reject(new ApiError(codeForStatus(xhr.status), `HTTP ${xhr.status}`));
      }
    };
    xhr.onerror = () => reject(new NetworkError("the server", new Error("network error during upload")));
    xhr.onabort = () => reject(new DOMException("upload aborted", "AbortError"));
    opts.signal?.addEventListener("abort", () => xhr.abort(), { once: true });
    xhr.send(file);
  });
}
