import { StudioError } from '../../../../src-shared/contract/StudioError.ts';

/** C and C++ keywords (and the alternative operator spellings): valid-looking names a compiler still rejects. */
const keywords = new Set(
  (
    'alignas alignof and and_eq asm auto bitand bitor bool break case catch char char8_t char16_t char32_t class ' +
    'compl concept const consteval constexpr constinit const_cast continue co_await co_return co_yield decltype ' +
    'default delete do double dynamic_cast else enum explicit export extern false float for friend goto if inline ' +
    'int long mutable namespace new noexcept not not_eq nullptr operator or or_eq private protected public ' +
    'register reinterpret_cast requires restrict return short signed sizeof static static_assert static_cast ' +
    'struct switch template this thread_local throw true try typedef typeid typename union unsigned using ' +
    'virtual void volatile wchar_t while xor xor_eq _Alignas _Alignof _Atomic _Bool _Complex _Generic ' +
    '_Imaginary _Noreturn _Static_assert _Thread_local'
  ).split(' '),
);

/**
 * Throws unless `name` can name a C / C++ variable: letters, digits and `_`, not starting with a
 * digit, not a keyword, and not one of the names reserved for the compiler (`__x`, `_X`).
 */
export function assertCIdentifier(name: string, what: string): void {
  const problem = !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)
    ? 'use only letters, digits and "_", not starting with a digit'
    : keywords.has(name)
      ? 'it is a C/C++ keyword'
      : /^_[A-Z_]|__/.test(name)
        ? 'names starting with "_" and a capital, or containing "__", are reserved for the compiler'
        : null;
  if (problem !== null) {
    throw new StudioError('invalid_input', `${what} ${JSON.stringify(name)} is not a C identifier: ${problem}.`);
  }
}

/** Throws unless `fileName` is a header name an `#include "…"` can carry (relative, `/`-separated, ending in .h). */
export function assertHeaderName(fileName: string): void {
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*(\/[A-Za-z0-9_][A-Za-z0-9_.-]*)*\.(h|hh|hpp)$/.test(fileName)) {
    throw new StudioError(
      'invalid_input',
      `Header name ${JSON.stringify(fileName)} cannot be included: use a relative file name like "model_data.h" ` +
        '(letters, digits, "_", "-", "." and "/" separators, ending in .h).',
    );
  }
}

/** An include guard named after the header, e.g. `kws/model_data.h` → `KWS_MODEL_DATA_H_`. */
export function includeGuard(fileName: string): string {
  const guard = `${fileName.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_`;
  return /^[A-Z]/.test(guard) ? guard : `KWS_${guard}`;
}

/**
 * Text as `//` comment lines, one per line of the text. A line ending in a backslash would splice the
 * next source line into the comment, so it gets a closing mark; control characters become spaces.
 */
export function commentLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/).map((line) => {
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is replaced
    const clean = line.replace(/[\u0000-\u001f\u007f]/g, ' ').trimEnd();
    const safe = clean.endsWith('\\') ? `${clean} (end)` : clean;
    return safe === '' ? '//' : `// ${safe}`;
  });
}
