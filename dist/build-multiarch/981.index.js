const l=981,c=[981,168],g={5981:((f,t,a)=>{a.r(t),a.d(t,{stepOutputs:()=>d,summaryMarkdown:()=>m});var s=a(6168);function r(n,e){return e?`failed: ${e}`:n.verifySkipped?`skipped: ${n.verifySkipped}`:n.verifications.map(i=>`${i.reference}: ${i.found.join(", ")}`).join(`
`)||"not run"}function d(n,e){const{plan:i}=n,o={builder:n.builder,pushed:i.push,pushReason:i.pushReason,digest:n.digest??null,imageRef:n.imageRef??null,tags:i.refs,platforms:i.platforms,labels:i.labels,verification:n.verifySkipped?{skipped:n.verifySkipped}:{ok:!e,images:n.verifications},builderMetadata:n.metadata};return{digest:n.digest??"","image-ref":n.imageRef??"",tags:i.refs.join(`
`),platforms:i.platforms.join(","),metadata:JSON.stringify(o)}}function m(n,e){const{plan:i}=n,o=e?"### \u274C build-multiarch: verification failed":i.push?"### \u2705 build-multiarch: pushed":"### build-multiarch: built, not pushed",u=[["Image",i.images.map(p=>p.name).join(`
`)],["Digest",n.digest?`\`${n.digest}\``:"(none)"],["Tags",i.refs.join(`
`)||"(none)"],["Platforms",i.platforms.join(", ")],["Builder",n.builder],["Push",i.pushReason],["Verification",r(n,e)]];return[o,(0,s.table)(["Build","Result"],u)].join(`

`)}}),6168:((f,t,a)=>{a.r(t),a.d(t,{cell:()=>r,link:()=>m,table:()=>d,writeSummary:()=>n});var s=a(6955);function r(e){return String(e??"").replace(/\\/g,"\\\\").replace(/\|/g,"\\|").replace(/\r?\n/g,"<br>")}function d(e,i){const o=[`| ${e.map(r).join(" | ")} |`,`| ${e.map(()=>"---").join(" | ")} |`];for(const u of i)o.push(`| ${u.map(r).join(" | ")} |`);return o.join(`
`)}function m(e,i){return i?`[${e.replace(/[[\]]/g,"\\$&")}](${i})`:e}async function n(...e){process.env.GITHUB_STEP_SUMMARY&&await s.summary.addRaw(e.filter(Boolean).join(`

`)+`
`,!0).write()}})};export{l as id,c as ids,g as modules};
