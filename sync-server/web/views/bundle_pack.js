// A content bundle is published as one JSON document with the files its pages name embedded
// (base64 + SHA-256), the same shape `sync-server publish --file DIR` makes from a folder
// (shared/content pack_bundle_directory). HQ chooses bundle.json and its images together; each
// chosen file is embedded under the path the bundle names it by.
function referencedPaths(value, out = new Set()) {
  if (typeof value === 'string') {
    if (/^[\w.-]+(\/[\w.-]+)+$/.test(value) && !value.includes('://')) out.add(value);
  } else if (value && typeof value === 'object') {
    for (const v of Object.values(value)) referencedPaths(v, out);
  }
  return out;
}

function hex(buffer) {
  return [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

function base64(buffer) {
  const bytes = new Uint8Array(buffer);
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

// `files`: the chosen File objects besides bundle.json. Returns the definition to send.
export async function packBundle(definition, files) {
  if (!files.length || definition.files) return definition;
  const paths = [...referencedPaths(definition.pages ?? [])];
  const packed = {};
  for (const file of files) {
    const path = paths.find((p) => p === file.name || p.endsWith(`/${file.name}`));
    if (!path) continue;
    const bytes = await file.arrayBuffer();
    packed[path] = { sha256: hex(await crypto.subtle.digest('SHA-256', bytes)), data: base64(bytes) };
  }
  return { ...definition, files: packed };
}
