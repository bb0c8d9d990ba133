export { x32_embedding_gather__scalar } from './x32-embedding-gather-scalar';
