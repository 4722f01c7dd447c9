  // ------------------------------------------- inspect's layout, util.format
  function groupArrayElements(ctx, output, value) {
    let totalLength = 0, maxLength = 0, i = 0;
    let outputLength = output.length;
    if (ctx.maxArrayLength < output.length) outputLength--;
    const separatorSpace = 2;
    const dataLen = new Array(outputLength);
    for (; i < outputLength; i++) {
      const len = output[i].length;
      dataLen[i] = len;
      totalLength += len + separatorSpace;
      if (maxLength < len) maxLength = len;
    }
    const actualMax = maxLength + separatorSpace;
    if (actualMax * 3 + ctx.indentationLvl < ctx.breakLength &&
      (totalLength / actualMax > 5 || maxLength <= 6)) {
      const averageBias = Math.sqrt(actualMax - totalLength / output.length);
      const biasedMax = Math.max(actualMax - 3 - averageBias, 1);
      const columns = Math.min(
        Math.round(Math.sqrt(2.5 * biasedMax * outputLength) / biasedMax),
        Math.floor((ctx.breakLength - ctx.indentationLvl) / actualMax),
        ctx.compact * 4,
        15);
      if (columns <= 1) return output;
      const tmp = [];
      const maxLineLength = [];
      for (let i = 0; i < columns; i++) {
        let lineLength = 0;
        for (let j = i; j < output.length; j += columns) if (dataLen[j] > lineLength) lineLength = dataLen[j];
        maxLineLength.push(lineLength + separatorSpace);
      }
      let padStart = true;
      if (value !== undefined) {
        for (let i = 0; i < output.length; i++) {
          if (typeof value[i] !== 'number' && typeof value[i] !== 'bigint') { padStart = false; break; }
        }
      }
      for (let i = 0; i < outputLength; i += columns) {
        const max = Math.min(i + columns, outputLength);
        let str = '';
        let j = i;
        for (; j < max - 1; j++) {
          const padding = maxLineLength[j - i];
          str += padStart ? `${output[j]}, `.padStart(padding, ' ') : `${output[j]}, `.padEnd(padding, ' ');
        }
        if (padStart) str += output[j].padStart(maxLineLength[j - i] - separatorSpace, ' ');
        else str += output[j];
        tmp.push(str);
      }
      if (ctx.maxArrayLength < output.length) tmp.push(output[outputLength]);
      output = tmp;
    }
    return output;
  }

  function isBelowBreakLength(ctx, output, start, base) {
    let totalLength = output.length + start;
    if (totalLength + output.length > ctx.breakLength) return false;
    for (let i = 0; i < output.length; i++) {
      totalLength += output[i].length;
      if (totalLength > ctx.breakLength) return false;
    }
    return base === '' || !base.includes('\n');
  }

  function reduceToSingleString(ctx, output, base, braces, extrasType, recurseTimes, value) {
    const entries = output.length;
    if (extrasType === kArrayExtrasType && entries > 6) output = groupArrayElements(ctx, output, value);
    if (ctx.currentDepth - recurseTimes < ctx.compact && entries === output.length) {
      const start = output.length + ctx.indentationLvl + braces[0].length + base.length + 10;
      if (isBelowBreakLength(ctx, output, start, base)) {
        const joined = output.join(', ');
        if (!joined.includes('\n')) {
          return `${base ? `${base} ` : ''}${braces[0]} ${joined} ${braces[1]}`;
        }
      }
    }
    const indentation = `\n${' '.repeat(ctx.indentationLvl)}`;
    return `${base ? `${base} ` : ''}${braces[0]}${indentation}  ${output.join(`,${indentation}  `)}${indentation}${braces[1]}`;
  }

  function format(...args) { return formatWithOptions(undefined, ...args); }

  function formatWithOptions(opts, ...args) {
    const first = args[0];
    let a = 0, str = '', join = '';
    if (typeof first === 'string') {
      if (args.length === 1) return first;
      let tempStr, lastPos = 0;
      for (let i = 0; i < first.length - 1; i++) {
        if (first.charCodeAt(i) === 37) { // '%'
          const c = first[i + 1];
          if (a + 1 !== args.length) {
            switch (c) {
              case 's': {
                const arg = args[++a];
                if (typeof arg === 'number') tempStr = formatNumber(arg);
                else if (typeof arg === 'bigint') tempStr = `${arg}n`;
                else if (typeof arg !== 'object' || arg === null) tempStr = String(arg);
                else tempStr = inspect(arg, { ...opts, depth: 0 });
                break;
              }
              case 'j': try { tempStr = JSON.stringify(args[++a]); } catch { tempStr = '[Circular]'; } break;
              case 'd': {
                const n = args[++a];
                tempStr = typeof n === 'bigint' ? `${n}n` : typeof n === 'symbol' ? 'NaN' : formatNumber(Number(n));
                break;
              }
              case 'O': tempStr = inspect(args[++a], opts); break;
              case 'o': tempStr = inspect(args[++a], { ...opts, showHidden: true, depth: 4 }); break;
              case 'i': {
                const n = args[++a];
                tempStr = typeof n === 'bigint' ? `${n}n` : typeof n === 'symbol' ? 'NaN' : formatNumber(parseInt(n));
                break;
              }
              case 'f': { const n = args[++a]; tempStr = typeof n === 'symbol' ? 'NaN' : formatNumber(parseFloat(n)); break; }
              case 'c': a++; tempStr = ''; break;
              case '%': str += first.slice(lastPos, i + 1); lastPos = i + 2; i++; continue;
              default: continue;
            }
            if (lastPos !== i) str += first.slice(lastPos, i);
            str += tempStr;
            lastPos = i + 2;
            i++;
          } else if (c === '%') {
            str += first.slice(lastPos, i + 1);
            lastPos = i + 2;
            i++;
          }
        }
      }
      if (lastPos !== 0) {
        a++;
        join = ' ';
        if (lastPos < first.length) str += first.slice(lastPos);
      }
    }
    while (a < args.length) {
      const v = args[a];
      str += join;
      str += typeof v !== 'string' ? inspect(v, opts) : v;
      join = ' ';
      a++;
    }
    return str;
  }
