import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { BackendCandidate, LoadResult } from './backends';
import { missingSharedLibrary } from './shared_library';
import { explainSyncReads, guardStorageBindings } from './webgpu_guards';
import { uploadThroughQueue } from './webgpu_uploads';

/** Loads an ES module from CommonJS (the `webgpu` package is ESM-only); TypeScript would turn import() into require(). */
const importModule = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;

/** The little of the WebGPU API used here (the full types are in @webgpu/types). */
interface GPU {
  requestAdapter(options?: { powerPreference?: string }): Promise<GPUAdapter | null>;
}
interface GPUAdapter {
  info: { vendor: string; architecture: string; description: string; isFallbackAdapter?: boolean };
  limits: { maxStorageBufferBindingSize: number };
}
interface DawnModule {
  create(options: string[]): GPU;
  globals: Record<string, unknown>;
}

/** What the adapter Dawn found is. */
export interface AdapterFacts {
  description: string;
  vendor: string;
  /** A CPU implementation (lavapipe/llvmpipe, SwiftShader): correct, but slower than WASM. */
  software: boolean;
  /** The largest storage buffer one kernel can bind, in bytes (often 128 MiB). */
  maxStorageBinding: number;
}

let dawn: DawnModule | undefined;
let gpu: GPU | undefined;
let facts: AdapterFacts | undefined;

/** The adapter facts of the WebGPU backend, once it loaded. */
export function webgpuAdapter(): AdapterFacts | undefined {
  return facts;
}

function isSoftware(adapter: GPUAdapter): boolean {
  const { isFallbackAdapter, description } = adapter.info;
  return isFallbackAdapter === true || /llvmpipe|lavapipe|swiftshader/i.test(description);
}

/**
 * NVIDIA registers its Vulkan driver as libGLX_nvidia.so.0, which cannot start
 * without an X server: on a headless machine (a container, a cloud GPU) Vulkan then
 * finds "no drivers" although the GPU is there. The same driver starts through
 * libEGL_nvidia.so.0. When the GLX one gave no hardware adapter and the user has not
 * chosen drivers (VK_ICD_FILENAMES / VK_DRIVER_FILES), this points Vulkan at the EGL
 * entry and asks again; if that finds nothing either, everything is put back.
 */
async function tryHeadlessNvidia(module: DawnModule): Promise<{ gpu: GPU; adapter: GPUAdapter } | undefined> {
  if (process.env.VK_ICD_FILENAMES || process.env.VK_DRIVER_FILES) return undefined;
  const manifest = ['/usr/share/vulkan/icd.d', '/etc/vulkan/icd.d', '/usr/local/share/vulkan/icd.d']
    .map((dir) => path.join(dir, 'nvidia_icd.json'))
    .find((file) => {
      try {
        return /libGLX_nvidia/.test(fs.readFileSync(file, 'utf8'));
      } catch {
        return false; // absent, or not readable (a sandboxed grading kernel)
      }
    });
  if (!manifest) return undefined;
  const icd = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { file_format_version?: string; ICD?: { api_version?: string } };
  const egl = path.join(os.tmpdir(), `downhill-nvidia-egl-icd-${process.getuid?.() ?? 0}.json`);
  const entry = { file_format_version: icd.file_format_version ?? '1.0.1', ICD: { library_path: 'libEGL_nvidia.so.0', api_version: icd.ICD?.api_version ?? '1.3.0' } };
  fs.writeFileSync(egl, JSON.stringify(entry));
  process.env.VK_ICD_FILENAMES = egl;
  const retried = module.create([]);
  const adapter = await retried.requestAdapter({ powerPreference: 'high-performance' });
  if (adapter && !isSoftware(adapter)) return { gpu: retried, adapter };
  delete process.env.VK_ICD_FILENAMES;
  return undefined;
}

function packageMissing(e: unknown, pkg: string): boolean {
  const err = e as NodeJS.ErrnoException;
  return (err.code === 'ERR_MODULE_NOT_FOUND' || err.code === 'MODULE_NOT_FOUND') && String(err.message).includes(pkg);
}

/** Dawn's Node binding gives `navigator.gpu`; tfjs-backend-webgpu registers itself only when that exists. */
async function findAdapter(): Promise<LoadResult & { facts?: AdapterFacts }> {
  try {
    require.resolve('@tensorflow/tfjs-backend-webgpu');
  } catch {
    return {
      ok: false,
      reason: 'the package @tensorflow/tfjs-backend-webgpu is not installed',
      fix: 'npm install @tensorflow/tfjs-backend-webgpu@4.22.0 webgpu',
    };
  }
  if (!dawn) {
    try {
      dawn = (await importModule('webgpu')) as DawnModule;
    } catch (e) {
      if (packageMissing(e, 'webgpu')) {
        return { ok: false, reason: "the package webgpu (Dawn's Node binding) is not installed", fix: 'npm install webgpu' };
      }
      const message = (e as Error).message ?? String(e);
      const library = missingSharedLibrary(message);
      return {
        ok: false,
        reason: library ? `Dawn's Node binding needs ${library}, which cannot be loaded` : `Dawn's Node binding failed to load: ${message.split('\n')[0]}`,
        fix: library
          ? `install the package that provides ${library} (for libvulkan.so.1, Debian/Ubuntu: apt-get install libvulkan1)`
          : 'the webgpu package may have no Dawn build for this platform; wasm is used instead',
      };
    }
    for (const [name, value] of Object.entries(dawn.globals)) {
      if (!(name in globalThis)) (globalThis as Record<string, unknown>)[name] = value;
    }
    // Dawn's Vulkan backend wants a runtime directory; some container shells have none.
    process.env.XDG_RUNTIME_DIR ??= os.tmpdir();
    gpu = dawn.create([]);
  }
  let adapter = await gpu!.requestAdapter({ powerPreference: 'high-performance' });
  let note = '';
  if (!adapter || isSoftware(adapter)) {
    const headless = await tryHeadlessNvidia(dawn);
    if (headless) {
      [gpu, adapter] = [headless.gpu, headless.adapter];
      note = " (NVIDIA's Vulkan driver started through EGL, as on a machine without an X server; downhill set VK_ICD_FILENAMES)";
    }
  }
  if (!adapter) {
    return {
      ok: false,
      reason: 'Dawn found no WebGPU adapter (no Vulkan driver for a GPU, and no software one)',
      fix: "install your GPU's Vulkan driver (NVIDIA's driver, or Mesa's mesa-vulkan-drivers for AMD/Intel); Mesa 25's lavapipe gives a software adapter",
    };
  }
  const info = adapter.info;
  const description = info.description || `${info.vendor} ${info.architecture}`.trim() || 'unnamed adapter';
  facts = {
    description,
    vendor: info.vendor,
    software: isSoftware(adapter),
    maxStorageBinding: adapter.limits.maxStorageBufferBindingSize,
  };
  // Registers the 'webgpu' backend now that navigator.gpu exists.
  const nav = ((globalThis as { navigator?: object }).navigator ??= {}) as { gpu?: GPU };
  if (!nav.gpu) Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true });
  require('@tensorflow/tfjs-backend-webgpu');
  return { ok: true, tfName: 'webgpu', detail: `adapter: ${description}${note}`, facts };
}

export const webgpu: BackendCandidate = {
  name: 'webgpu',
  device: 'gpu',
  label: 'WebGPU through Dawn (webgpu + tfjs-backend-webgpu)',
  async load(auto) {
    // Starting Dawn prints its warnings on stderr; the automatic choice does not start it
    // on a Linux machine without a GPU device, where it could only find a software adapter.
    if (auto && !dawn && process.platform === 'linux' && !hasGpuDevice()) {
      return {
        ok: true,
        tfName: 'webgpu',
        device: 'cpu',
        detail: 'no GPU device here (/dev/dri/renderD*, /dev/nvidia*, /dev/dxg), so Dawn was not started: a software adapter at best',
        onlyWhenAsked: 'a software adapter is slower than wasm on the same CPU; DOWNHILL_BACKEND=webgpu uses it anyway',
      };
    }
    const found = await findAdapter();
    if (!found.ok || !found.facts) return found;
    if (found.facts.software) {
      return {
        ...found,
        device: 'cpu',
        detail: `software adapter (${found.facts.description}): runs on the CPU`,
        onlyWhenAsked: "a software adapter is slower than wasm on the same CPU; DOWNHILL_BACKEND=webgpu uses it anyway",
      };
    }
    return found;
  },
  afterActivate() {
    if (facts) guardStorageBindings(facts.maxStorageBinding);
    explainSyncReads();
    uploadThroughQueue();
  },
};

/** Whether this Linux machine has a device node a GPU driver makes (DRM render node, NVIDIA, WSL's dxg). */
function hasGpuDevice(): boolean {
  const exists = (p: string) => fs.existsSync(p);
  const dri = exists('/dev/dri') && fs.readdirSync('/dev/dri').some((n) => n.startsWith('renderD'));
  return dri || exists('/dev/nvidia0') || exists('/dev/nvidiactl') || exists('/dev/dxg');
}
