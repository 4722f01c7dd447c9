// The C side of package wasmcall: what call.c and host.c define for the Go
// side, and the parts of wasmtime's C API they use. wasmtime's declarations
// are repeated here rather than included: wasmtime-go's headers are not on
// our include path; the symbols come from the libwasmtime that wasmtime-go
// links. The Go side checks the layouts it relies on.
#ifndef WASMSANDBOX_WASMCALL_H
#define WASMSANDBOX_WASMCALL_H

#include <stddef.h>
#include <stdint.h>

// wasm_byte_vec_t (wasm.h): a message wasmtime made.
typedef struct {
  size_t size;
  char *data;
} wsb_bytes_t;

// A guest call's outcome: the raw bits of its result, or what stopped it:
// a wasmtime_error_t (failed 1) or a wasm_trap_t (failed 2), which the
// caller then owns.
typedef struct {
  int32_t failed;
  uint64_t bits;
  void *stop;
} wsb_ret_t;

// call.c
wsb_ret_t wsb_call(void *ctx, uint64_t store_id, uintptr_t priv, uint64_t a0, uint64_t a1,
                   uint64_t a2, uint64_t a3);
void wsb_trap_free(void *trap);
void wsb_error_free(void *err);
void wsb_message_free(wsb_bytes_t *msg);

// host.c
int wsb_define(void *linker, const char *module, size_t module_len, const char *name,
               size_t name_len, const uint8_t *params, size_t nparams, const uint8_t *results,
               size_t nresults, size_t env, wsb_bytes_t *msg);
void *wsb_trap(const char *msg, size_t len);

// wasmtime's C API.
typedef struct wasmtime_error wasmtime_error_t;
typedef struct wasm_trap_t wasm_trap_t;
extern void wasmtime_error_message(const wasmtime_error_t *error, wsb_bytes_t *out);
extern void wasmtime_error_delete(wasmtime_error_t *error);
extern void wasm_trap_delete(wasm_trap_t *trap);
extern void wasm_byte_vec_delete(wsb_bytes_t *v);

#endif
