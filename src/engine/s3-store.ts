import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand
} from "@aws-sdk/client-s3"
import type { SharedStore } from "./shared-store.js"
import type { StoredObject } from "./store.js"

/** Where an `s3://bucket/prefix` URL points. */
export interface S3Location {
  readonly bucket: string
  /** Key prefix with a trailing slash, or "" for the bucket's root. */
  readonly prefix: string
}

/** Parse `s3://bucket[/prefix]`; undefined when `url` is not an s3:// URL, an Error when it is a malformed one. */
export const parseS3Url = (url: string): S3Location | Error | undefined => {
  if (!url.startsWith("s3://")) return undefined
  const rest = url.slice("s3://".length)
  const slash = rest.indexOf("/")
  const bucket = slash < 0 ? rest : rest.slice(0, slash)
  const prefix = (slash < 0 ? "" : rest.slice(slash + 1)).replace(/^\/+|\/+$/g, "")
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) return new Error(`${url}: "${bucket}" is not a valid bucket name (3-63 lower-case letters, digits, dots, hyphens)`)
  return { bucket, prefix: prefix === "" ? "" : `${prefix}/` }
}

/** How to reach the object storage; every field has an environment default (see openS3Store). */
export interface S3Options {
  /** S3-compatible endpoint, e.g. http://minio:9000 (default: AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, else AWS). */
  readonly endpoint?: string
  /** Path-style URLs (bucket in the path), needed by most self-hosted servers (default: true when an endpoint is set). */
  readonly forcePathStyle?: boolean
  /** Region (default: AWS_REGION, else us-east-1). */
  readonly region?: string
  /** Objects at least this large are uploaded in parts (bytes; default 16 MiB). */
  readonly multipartThreshold?: number
  /** Part size of a multipart upload (bytes; default 8 MiB; S3's minimum is 5 MiB). */
  readonly partSize?: number
}

const isNotFound = (e: unknown): boolean => {
  const err = e as { name?: string; $metadata?: { httpStatusCode?: number } }
  return err?.name === "NoSuchKey" || err?.name === "NotFound" || err?.$metadata?.httpStatusCode === 404
}

/**
 * The shared store on S3-compatible object storage (`@aws-sdk/client-s3`), keys under the
 * URL's prefix: `objects/<aa>/<sha256>`, `nodes/<key>.json`, and small documents (leases,
 * locks, run references). Presence is a HEAD request; objects of 16 MiB and more go up in
 * 8 MiB parts. Requests time out after a few seconds and are tried twice, so an unreachable
 * endpoint fails fast with its URL in the message.
 */
export class S3Store implements SharedStore {
  private readonly client: S3Client
  private readonly multipartThreshold: number
  private readonly partSize: number

  constructor(
    readonly url: string,
    private readonly location: S3Location,
    options: S3Options = {}
  ) {
    // The SDK warns on every Node 20 process that its releases from 2027 need Node 22: the
    // locked version supports Node 20 (package-lock.json), and a CLI should not print that per run.
    process.env["AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED"] ??= "true"
    const endpoint = options.endpoint ?? process.env["AWS_ENDPOINT_URL_S3"] ?? process.env["AWS_ENDPOINT_URL"]
    this.client = new S3Client({
      region: options.region ?? process.env["AWS_REGION"] ?? "us-east-1",
      ...(endpoint !== undefined && endpoint !== "" ? { endpoint } : {}),
      forcePathStyle: options.forcePathStyle ?? (endpoint !== undefined && endpoint !== ""),
      maxAttempts: 2,
      requestHandler: { connectionTimeout: 3000, requestTimeout: 30_000 },
      // plain Content-MD5-free requests: self-hosted servers do not all speak the newer checksum trailers
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED"
    })
    this.multipartThreshold = options.multipartThreshold ?? 16 * 1024 * 1024
    this.partSize = Math.max(options.partSize ?? 8 * 1024 * 1024, 1)
  }

  private key(path: string): string {
    return `${this.location.prefix}${path}`
  }

  private objectKey(sha: string): string {
    return this.key(`objects/${sha.slice(0, 2)}/${sha}`)
  }

  private entryKey(key: string): string {
    return this.key(`nodes/${key}.json`)
  }

  /** Run a request, turning a failure into an Error that names the store and what was asked. */
  private async send<T>(what: string, f: () => Promise<T>): Promise<T> {
    try {
      return await f()
    } catch (e) {
      if (isNotFound(e)) throw e
      const err = e as { name?: string; message?: string; code?: string }
      const why = err?.code ?? err?.name ?? "error"
      throw new Error(`${this.url}: ${what}: ${why}${err?.message !== undefined && err.message !== why ? `: ${err.message}` : ""}`)
    }
  }

  async check(): Promise<void> {
    try {
      await this.send("cannot reach the bucket", () => this.client.send(new HeadBucketCommand({ Bucket: this.location.bucket })))
    } catch (e) {
      if (isNotFound(e)) throw new Error(`${this.url}: no bucket "${this.location.bucket}" at this endpoint; create it first`)
      throw e
    }
  }

  private async getText(key: string): Promise<string | undefined> {
    try {
      const r = await this.send(`cannot read ${key}`, () => this.client.send(new GetObjectCommand({ Bucket: this.location.bucket, Key: key })))
      return await r.Body!.transformToString("utf8")
    } catch (e) {
      if (isNotFound(e)) return undefined
      throw e
    }
  }

  private async put(key: string, body: Uint8Array | string): Promise<void> {
    await this.send(`cannot write ${key}`, () => this.client.send(new PutObjectCommand({ Bucket: this.location.bucket, Key: key, Body: body })))
  }

  private async head(key: string): Promise<{ size: number } | undefined> {
    try {
      const r = await this.send(`cannot check ${key}`, () => this.client.send(new HeadObjectCommand({ Bucket: this.location.bucket, Key: key })))
      return { size: r.ContentLength ?? -1 }
    } catch (e) {
      if (isNotFound(e)) return undefined
      throw e
    }
  }

  private async remove(key: string): Promise<void> {
    try {
      await this.send(`cannot delete ${key}`, () => this.client.send(new DeleteObjectCommand({ Bucket: this.location.bucket, Key: key })))
    } catch (e) {
      if (!isNotFound(e)) throw e
    }
  }

  /** Every key under `folder` (relative to the prefix) with its size and last-modified time. */
  private async list(folder: string): Promise<Array<{ path: string; size: number; mtimeMs: number }>> {
    const out: Array<{ path: string; size: number; mtimeMs: number }> = []
    const prefix = this.key(folder.endsWith("/") ? folder : `${folder}/`)
    let token: string | undefined
    do {
      const page = await this.send(`cannot list ${prefix}`, () =>
        this.client.send(new ListObjectsV2Command({ Bucket: this.location.bucket, Prefix: prefix, ...(token !== undefined ? { ContinuationToken: token } : {}) }))
      )
      for (const o of page.Contents ?? []) {
        if (o.Key === undefined) continue
        out.push({ path: o.Key.slice(this.location.prefix.length), size: o.Size ?? 0, mtimeMs: o.LastModified?.getTime() ?? 0 })
      }
      token = page.IsTruncated === true ? page.NextContinuationToken : undefined
    } while (token !== undefined)
    return out
  }

  readEntryText(key: string): Promise<string | undefined> {
    return this.getText(this.entryKey(key))
  }

  writeEntryText(key: string, text: string): Promise<void> {
    return this.put(this.entryKey(key), text)
  }

  async hasEntry(key: string): Promise<boolean> {
    return (await this.head(this.entryKey(key))) !== undefined
  }

  deleteEntry(key: string): Promise<void> {
    return this.remove(this.entryKey(key))
  }

  async listEntries(): Promise<Map<string, number>> {
    const out = new Map<string, number>()
    for (const o of await this.list("nodes")) {
      const name = o.path.slice("nodes/".length)
      if (name.endsWith(".json") && !name.includes("/")) out.set(name.slice(0, -5), o.mtimeMs)
    }
    return out
  }

  async hasObject(object: StoredObject): Promise<boolean> {
    return (await this.head(this.objectKey(object.sha256)))?.size === object.size
  }

  async readObject(sha: string): Promise<Uint8Array | undefined> {
    const key = this.objectKey(sha)
    try {
      const r = await this.send(`cannot read ${key}`, () => this.client.send(new GetObjectCommand({ Bucket: this.location.bucket, Key: key })))
      return await r.Body!.transformToByteArray()
    } catch (e) {
      if (isNotFound(e)) return undefined
      throw e
    }
  }

  async writeObject(sha: string, bytes: Uint8Array): Promise<void> {
    const key = this.objectKey(sha)
    if (bytes.byteLength < this.multipartThreshold) return this.put(key, bytes)
    const bucket = this.location.bucket
    const { UploadId } = await this.send(`cannot start uploading ${key}`, () => this.client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key })))
    try {
      const parts: Array<{ ETag: string; PartNumber: number }> = []
      for (let offset = 0, n = 1; offset < bytes.byteLength; offset += this.partSize, n++) {
        const body = bytes.subarray(offset, Math.min(offset + this.partSize, bytes.byteLength))
        const r = await this.send(`cannot upload part ${n} of ${key}`, () =>
          this.client.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: n, Body: body }))
        )
        parts.push({ ETag: r.ETag!, PartNumber: n })
      }
      await this.send(`cannot complete uploading ${key}`, () =>
        this.client.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId, MultipartUpload: { Parts: parts } }))
      )
    } catch (e) {
      await this.client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId })).catch(() => undefined)
      throw e
    }
  }

  deleteObject(sha: string): Promise<void> {
    return this.remove(this.objectKey(sha))
  }

  async listObjects(): Promise<Map<string, { readonly size: number; readonly mtimeMs: number }>> {
    const out = new Map<string, { readonly size: number; readonly mtimeMs: number }>()
    for (const o of await this.list("objects")) {
      const sha = o.path.split("/").pop()!
      if (/^[0-9a-f]{64}$/.test(sha)) out.set(sha, { size: o.size, mtimeMs: o.mtimeMs })
    }
    return out
  }

  readDoc(path: string): Promise<string | undefined> {
    return this.getText(this.key(path))
  }

  writeDoc(path: string, text: string): Promise<void> {
    return this.put(this.key(path), text)
  }

  deleteDoc(path: string): Promise<void> {
    return this.remove(this.key(path))
  }

  async listDocs(folder: string): Promise<string[]> {
    return (await this.list(folder)).map((o) => o.path)
  }

  close(): void {
    this.client.destroy()
  }
}
