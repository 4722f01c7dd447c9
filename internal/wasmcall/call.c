// Calls into the guest without wasmtime-go's per-call work (see call.go).
#include "wasmcall.h"

typedef struct wasmtime_context wasmtime_context_t;

// wasmtime_func_t (extern.h).
typedef struct {
  uint64_t store_id;
  void *private_;
} wsb_func_t;

extern wasmtime_error_t *wasmtime_func_call_unchecked(wasmtime_context_t *store,
                                                      const wsb_func_t *func, void *args_and_results,
                                                      size_t args_and_results_len,
                                                      wasm_trap_t **trap);

// wsb_call calls the function (store_id, priv), whose parameters the caller
// has checked, with up to four raw arguments (wasmtime_val_raw_t: 16
// bytes, little-endian; an i32 or the bits of an f64 in the low 8 bytes).
// On an error or a trap, failed and stop say which.
wsb_ret_t wsb_call(void *ctx, uint64_t store_id, uintptr_t priv, uint64_t a0, uint64_t a1,
                   uint64_t a2, uint64_t a3) {
  wsb_ret_t ret = {0};
  wsb_func_t func = {store_id, (void *)priv};
  uint64_t raw[8] = {a0, 0, a1, 0, a2, 0, a3, 0};
  wasm_trap_t *trap = NULL;
  wasmtime_error_t *err =
      wasmtime_func_call_unchecked((wasmtime_context_t *)ctx, &func, raw, 4, &trap);
  if (err != NULL) {
    ret.failed = 1;
    ret.stop = err;
  } else if (trap != NULL) {
    ret.failed = 2;
    ret.stop = trap;
  } else {
    ret.bits = raw[0];
  }
  return ret;
}

void wsb_message_free(wsb_bytes_t *msg) { wasm_byte_vec_delete(msg); }

// wsb_trap_free and wsb_error_free release what a failed call returned.
void wsb_trap_free(void *trap) { wasm_trap_delete((wasm_trap_t *)trap); }
void wsb_error_free(void *err) { wasmtime_error_delete((wasmtime_error_t *)err); }
