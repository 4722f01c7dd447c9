// Host functions without wasmtime-go's per-call reflection (see host.go).
#include "wasmcall.h"
#include "_cgo_export.h"

typedef struct wasmtime_linker wasmtime_linker_t;
typedef struct wasmtime_caller wasmtime_caller_t;
typedef struct wasm_valtype_t wasm_valtype_t;
typedef struct wasm_functype_t wasm_functype_t;
typedef struct {
  size_t size;
  wasm_valtype_t **data;
} wsb_valtype_vec_t;

typedef wasm_trap_t *(*wsb_unchecked_cb)(void *env, wasmtime_caller_t *caller, void *vals,
                                         size_t n);

extern wasm_valtype_t *wasm_valtype_new(uint8_t kind);
extern void wasm_valtype_vec_new_uninitialized(wsb_valtype_vec_t *out, size_t size);
extern wasm_functype_t *wasm_functype_new(wsb_valtype_vec_t *params, wsb_valtype_vec_t *results);
extern void wasm_functype_delete(wasm_functype_t *ty);
extern wasmtime_error_t *wasmtime_linker_define_func_unchecked(
    wasmtime_linker_t *linker, const char *module, size_t module_len, const char *name,
    size_t name_len, const wasm_functype_t *ty, wsb_unchecked_cb cb, void *data,
    void (*finalizer)(void *));
extern wasm_trap_t *wasmtime_trap_new(const char *msg, size_t msg_len);

static wasm_trap_t *wsb_host_cb(void *env, wasmtime_caller_t *caller, void *vals, size_t n) {
  return (wasm_trap_t *)wsbHostCall((size_t)env, caller, vals, n);
}

static void wsb_host_fin(void *env) { wsbHostDrop((size_t)env); }

static wsb_valtype_vec_t wsb_types(const uint8_t *kinds, size_t n) {
  wsb_valtype_vec_t v;
  wasm_valtype_vec_new_uninitialized(&v, n);
  for (size_t i = 0; i < n; i++) v.data[i] = wasm_valtype_new(kinds[i]);
  return v;
}

// wsb_define defines module.name on linker as the host function env of
// host.go's table. On an error it returns 1 and its message in *msg.
int wsb_define(void *linker, const char *module, size_t module_len, const char *name,
               size_t name_len, const uint8_t *params, size_t nparams, const uint8_t *results,
               size_t nresults, size_t env, wsb_bytes_t *msg) {
  wsb_valtype_vec_t p = wsb_types(params, nparams), r = wsb_types(results, nresults);
  wasm_functype_t *ty = wasm_functype_new(&p, &r);
  wasmtime_error_t *err = wasmtime_linker_define_func_unchecked(
      (wasmtime_linker_t *)linker, module, module_len, name, name_len, ty, wsb_host_cb,
      (void *)env, wsb_host_fin);
  wasm_functype_delete(ty);
  if (err != NULL) {
    wasmtime_error_message(err, msg);
    wasmtime_error_delete(err);
    return 1;
  }
  return 0;
}

void *wsb_trap(const char *msg, size_t len) { return wasmtime_trap_new(msg, len); }
