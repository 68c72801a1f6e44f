/** "libcudart.so.11.0: cannot open shared object file" -> "libcudart.so.11.0". */
export function missingSharedLibrary(message: string): string | undefined {
  const m = /([\w.+-]+\.so[\w.]*): cannot open shared object file/.exec(message);
  return m?.[1];
}
